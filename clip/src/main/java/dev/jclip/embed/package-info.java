/**
 * Embeddings for services and bulk jobs: a thread-safe {@link dev.jclip.embed.ClipEmbedder}
 * (L2-normalised float32 vectors from images and texts), {@link dev.jclip.embed.DynamicBatcher}
 * (concurrent requests gathered into model batches), {@link dev.jclip.embed.BulkEmbedder} (folders,
 * lists and tar shards into resumable embedding folders) and the embedding-folder format
 * ({@link dev.jclip.embed.EmbeddingWriter}, {@link dev.jclip.embed.EmbeddingReader}).
 *
 * <!-- given: ContrastiveModel model; ClipPreprocess preprocess; ClipTokenizer tokenizer -->
 * <pre>{@code
 * ClipEmbedder emb = new ClipEmbedder(model, preprocess, tokenizer);
 * float[][] txt = emb.embedTexts(List.of("a cat", "a dog"));
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image},
 * {@code dev.jclip.model}, {@code dev.jclip.data} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.embed;
