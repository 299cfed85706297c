/**
 * Embeddings for applications: {@link dev.jclip.embed.ClipEmbedder} (thread-safe, images from
 * paths, bytes, streams or {@code BufferedImage}s, and texts), {@link dev.jclip.embed.DynamicBatcher}
 * (concurrent requests into one model batch), and bulk embedding at scale:
 * {@link dev.jclip.embed.ImageSources} (folders, globs, lists, WebDataset shards, streamed),
 * {@link dev.jclip.embed.BulkEmbedder} (decoding on worker threads while the model runs batches),
 * {@link dev.jclip.embed.EmbeddingWriter} / {@link dev.jclip.embed.EmbeddingReader} (sharded
 * safetensors with a manifest, written as it goes, resumable). Sits beside {@code eval}: it uses
 * {@code model}, {@code image}, {@code text} and {@code io}, and nothing above it.
 */
package dev.jclip.embed;
