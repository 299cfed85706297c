/**
 * Embeddings for applications: {@link dev.jclip.embed.ClipEmbedder} (thread-safe, images from
 * paths, bytes, streams or {@code BufferedImage}s, and texts), {@link dev.jclip.embed.DynamicBatcher}
 * (concurrent requests into one model batch), and bulk embedding at scale:
 * {@link dev.jclip.embed.ImageSources} (folders, globs, lists, WebDataset shards, streamed),
 * {@link dev.jclip.embed.BulkEmbedder} (decoding on worker threads while the model runs batches),
 * {@link dev.jclip.embed.EmbeddingWriter} / {@link dev.jclip.embed.EmbeddingReader} (sharded
 * safetensors with a manifest, written as it goes, resumable). Sits beside {@code eval}.
 *
 * <!-- given: ContrastiveModel model; ClipPreprocess preprocess; ClipTokenizer tokenizer -->
 * <pre>{@code
 * ClipEmbedder emb = new ClipEmbedder(model, preprocess, tokenizer);
 * float[][] txt = emb.embedTexts(List.of("a cat", "a dog"));
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io},
 * {@code dev.jclip.image}, {@code dev.jclip.model}, {@code dev.jclip.data} (and the JDK and this module's libraries);
 * nothing above it. {@code LayeringTest} enforces this list.
 */
package dev.jclip.embed;
