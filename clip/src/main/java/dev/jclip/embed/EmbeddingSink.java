package dev.jclip.embed;

import java.util.List;

/**
 * Where {@link BulkEmbedder} puts each batch: a sharded embedding folder
 * ({@link EmbeddingWriter}) or a search index. {@link #accept} must make the batch durable before
 * it returns, so a killed run loses at most the batch in flight.
 */
public interface EmbeddingSink {
    /** {@code vectors}: {@code keys.size()} rows of {@code dim} floats, row after row, L2-normalised. */
    void accept(List<String> keys, float[] vectors);
}
