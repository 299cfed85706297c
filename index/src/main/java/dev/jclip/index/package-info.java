/**
 * A vector index of embeddings on Apache Lucene's HNSW ({@link dev.jclip.index.VectorIndex}) with
 * exact libtorch search as the reference ({@link dev.jclip.index.ExactSearch}). A module of its own
 * ({@code jclip-index}) so that applications that only embed do not depend on Lucene.
 *
 * <!-- given: Path dir; float[] query -->
 * <pre>{@code
 * try (VectorIndex index = VectorIndex.open(dir)) {
 *     List<VectorIndex.Hit> hits = index.search(query, 10, 100);
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io},
 * {@code dev.jclip.image}, {@code dev.jclip.model}, {@code dev.jclip.data}, {@code dev.jclip.embed} (and the JDK and
 * Lucene); nothing above it. {@code LayeringTest} enforces this list.
 */
package dev.jclip.index;
