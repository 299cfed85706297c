/**
 * A vector index of embeddings on Apache Lucene's HNSW ({@link dev.jclip.index.VectorIndex}) with
 * exact libtorch search as the reference. A module of its own ({@code jclip-index}) so that
 * applications that only embed do not depend on Lucene.
 */
package dev.jclip.index;
