/**
 * Search over embeddings: {@link dev.jclip.index.VectorIndex}, an on-disk Apache Lucene HNSW index
 * of unit vectors with their keys (crash-safe commits, incremental adds), and
 * {@link dev.jclip.index.ExactSearch} (brute force on libtorch, the reference for recall). Its own
 * module ({@code jclip-index}) so that applications that only embed do not pull Lucene in.
 *
 * <!-- given: Path dir; float[] query -->
 * <pre>{@code
 * try (VectorIndex index = VectorIndex.open(dir)) {
 *     List<VectorIndex.Hit> hits = index.search(query, 10, 100);
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image},
 * {@code dev.jclip.model}, {@code dev.jclip.data}, {@code dev.jclip.embed} (and the JDK and Lucene); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.index;
