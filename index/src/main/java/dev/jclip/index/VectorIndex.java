package dev.jclip.index;

import dev.jclip.embed.EmbeddingSink;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An on-disk index of L2-normalised embeddings and their keys (image paths) on Apache Lucene's
 * HNSW vectors: crash-safe commits, incremental adds (a key added again replaces its vector),
 * approximate search with a tunable candidate count ({@code ef}), and {@link ExactSearch} as the
 * reference. The model that made the vectors is recorded in the commit's user data
 * ({@link #info()}), so a search can embed its query with the same model.
 *
 * <pre>{@code
 * try (VectorIndex ix = VectorIndex.create(Path.of("photos.idx"), 512, Map.of("checkpoint", "ViT-B-32.pt"))) {
 *     ix.accept(List.of("a.jpg", "b.jpg"), vectors);          // committed when it returns
 *     List<VectorIndex.Hit> top = ix.search(query, 10, 100);
 * }
 * }</pre>
 *
 * One writer per index at a time (Lucene's write lock); any number of readers. Methods are
 * thread-safe: searches run concurrently, adds are serialised.
 */
public final class VectorIndex implements EmbeddingSink, AutoCloseable {
    static final String KEY = "key";
    static final String VECTOR = "vector";
    /** HNSW graph degree (Lucene's default 16) and construction beam (default 100). */
    public static final int DEFAULT_M = 16, DEFAULT_BEAM = 100;

    /** A search result: key and cosine similarity. */
    public record Hit(String key, float score) {}

    private final Path path;
    private final Directory dir;
    private final Map<String, String> info;
    private final int dim;
    private IndexWriter writer;
    private DirectoryReader reader;
    private final int m, beam;

    private VectorIndex(Path path, Directory dir, Map<String, String> info, int m, int beam) {
        this.path = path;
        this.dir = dir;
        this.info = Map.copyOf(info);
        this.dim = Integer.parseInt(info.get("dim"));
        this.m = m;
        this.beam = beam;
    }

    /** Creates a new index in an empty or missing folder ({@code info}: what made the vectors). */
    public static VectorIndex create(Path path, int dim, Map<String, String> info) {
        return create(path, dim, info, DEFAULT_M, DEFAULT_BEAM);
    }

    public static VectorIndex create(Path path, int dim, Map<String, String> info, int m, int beam) {
        if (dim < 1 || dim > 4096) throw new IllegalArgumentException("vector length must be 1..4096, got " + dim);
        try {
            if (Files.exists(path)) {
                if (!Files.isDirectory(path)) throw new IllegalArgumentException(path + " exists and is not a folder");
                try (Stream<Path> s = Files.list(path)) {
                    if (s.findAny().isPresent()) throw new IllegalArgumentException(path + " is not empty: add to it with --append, or choose another --out");
                }
            }
            Files.createDirectories(path);
            Map<String, String> all = new HashMap<>(info);
            all.put("dim", Integer.toString(dim));
            all.put("format", "jclip-index");
            VectorIndex ix = new VectorIndex(path, FSDirectory.open(path), all, m, beam);
            ix.writer().commit();                      // an empty, valid index with its info
            return ix;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create index " + path + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing index for search and adds. */
    public static VectorIndex open(Path path) {
        if (!Files.isDirectory(path)) throw new IllegalArgumentException(path + ": no such index folder");
        try {
            Directory d = FSDirectory.open(path);
            if (!DirectoryReader.indexExists(d)) {
                d.close();
                throw new IllegalArgumentException(path + " is not a jclip index (no Lucene commit)");
            }
            Map<String, String> info;
            try (DirectoryReader r = DirectoryReader.open(d)) {
                info = r.getIndexCommit().getUserData();
            }
            if (!"jclip-index".equals(info.get("format")) || info.get("dim") == null) {
                d.close();
                throw new IllegalArgumentException(path + " is a Lucene index but not a jclip index (commit data " + info.keySet() + ")");
            }
            return new VectorIndex(path, d, info, DEFAULT_M, DEFAULT_BEAM);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open index " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() { return path; }

    public int dim() { return dim; }

    /** What made the vectors: checkpoint, config, tokenizer, transform; plus {@code dim}. */
    public Map<String, String> info() { return info; }

    private synchronized IndexWriter writer() throws IOException {
        if (writer == null) {
            IndexWriterConfig cfg = new IndexWriterConfig();
            int mm = m, bb = beam;
            cfg.setCodec(new Lucene103Codec() {
                @Override public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return new Lucene99HnswVectorsFormat(mm, bb);
                }
            });
            cfg.setRAMBufferSizeMB(256);      // fewer, larger segments: one HNSW graph to search, not many
            cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            writer = new IndexWriter(dir, cfg);
            writer.setLiveCommitData(info.entrySet());
        }
        return writer;
    }

    /** Adds (or replaces) vectors and commits: durable when this returns. */
    @Override public synchronized void accept(List<String> keys, float[] vectors) {
        add(keys, vectors);
        commit();
    }

    /** Adds (or replaces) vectors without committing (call {@link #commit()}). */
    public synchronized void add(List<String> keys, float[] vectors) {
        if ((long) keys.size() * dim != vectors.length) {
            throw new IllegalArgumentException(keys.size() + " keys need " + (long) keys.size() * dim + " floats, got " + vectors.length);
        }
        try {
            IndexWriter w = writer();
            for (int i = 0; i < keys.size(); i++) {
                float[] v = java.util.Arrays.copyOfRange(vectors, i * dim, (i + 1) * dim);
                Document doc = new Document();
                doc.add(new StringField(KEY, keys.get(i), Field.Store.YES));
                doc.add(new KnnFloatVectorField(VECTOR, v, VectorSimilarityFunction.DOT_PRODUCT));
                w.updateDocument(new Term(KEY, keys.get(i)), doc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add to index " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("index " + path + ": " + e.getMessage(), e);
        }
    }

    public synchronized void commit() {
        try {
            if (writer != null) writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit index " + path + ": " + e.getMessage(), e);
        }
    }

    /** Merges the index into one segment (one graph: faster search after many incremental adds). */
    public synchronized void forceMerge() {
        try {
            writer().forceMerge(1);
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge index " + path + ": " + e.getMessage(), e);
        }
    }

    /** A reader on the latest commit (reopened when the index changed). */
    synchronized DirectoryReader reader() {
        try {
            if (reader == null) {
                reader = DirectoryReader.open(dir);
            } else {
                DirectoryReader r = DirectoryReader.openIfChanged(reader);
                if (r != null) { reader.close(); reader = r; }
            }
            reader.incRef();
            return reader;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index " + path + ": " + e.getMessage(), e);
        }
    }

    static void release(DirectoryReader r) {
        try { r.decRef(); } catch (IOException e) { throw new UncheckedIOException(e); }
    }

    /** Number of vectors (committed). */
    public int size() {
        DirectoryReader r = reader();
        try { return r.numDocs(); } finally { release(r); }
    }

    /** Every key in the index (committed): what an incremental add skips. */
    public Set<String> keys() {
        DirectoryReader r = reader();
        try {
            Set<String> out = new HashSet<>();
            StoredFields sf = r.storedFields();
            for (LeafReaderContext c : r.leaves()) {
                Bits live = c.reader().getLiveDocs();
                for (int d = 0; d < c.reader().maxDoc(); d++) {
                    if (live == null || live.get(d)) out.add(sf.document(c.docBase + d).get(KEY));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(r);
        }
    }

    /**
     * The {@code k} nearest keys to {@code query} (unit length) by HNSW, best first; {@code ef}
     * candidates are explored per segment (larger: better recall, slower; at least {@code k}).
     */
    public List<Hit> search(float[] query, int k, int ef) {
        checkQuery(query, k);
        DirectoryReader r = reader();
        try {
            IndexSearcher s = new IndexSearcher(r);
            TopDocs td = s.search(new KnnFloatVectorQuery(VECTOR, query, Math.max(k, ef)), Math.max(k, ef));
            List<Hit> out = new ArrayList<>();
            StoredFields sf = s.storedFields();
            for (ScoreDoc d : td.scoreDocs) {
                if (out.size() == k) break;
                // Lucene scores DOT_PRODUCT as (1 + dot) / 2; report the cosine itself
                out.add(new Hit(sf.document(d.doc).get(KEY), 2 * d.score - 1));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search index " + path + ": " + e.getMessage(), e);
        } finally {
            release(r);
        }
    }

    /** Exact top {@code k} by libtorch matmuls over every vector ({@link ExactSearch}). */
    public List<Hit> exact(float[] query, int k) {
        checkQuery(query, k);
        return exact(new float[][]{query}, k).getFirst();
    }

    /** Exact top {@code k} for many queries at once (one pass over the vectors). */
    public List<List<Hit>> exact(float[][] queries, int k) {
        DirectoryReader r = reader();
        try {
            return ExactSearch.topK(r, queries, k, dim);
        } finally {
            release(r);
        }
    }

    private void checkQuery(float[] q, int k) {
        if (q.length != dim) throw new IllegalArgumentException("query has " + q.length + " values, the index holds " + dim + "-d vectors");
        if (k < 1) throw new IllegalArgumentException("top k must be >= 1, got " + k);
    }

    /** Reads every live vector with its global doc id, in chunks of at most {@code chunk} rows. */
    static void forEachVectorChunk(DirectoryReader r, int dim, int chunk, ChunkSink sink) throws IOException {
        float[] buf = new float[chunk * dim];
        int[] ids = new int[chunk];
        int n = 0;
        for (LeafReaderContext c : r.leaves()) {
            FloatVectorValues vv = c.reader().getFloatVectorValues(VECTOR);
            if (vv == null) continue;
            Bits live = c.reader().getLiveDocs();
            KnnVectorValues.DocIndexIterator it = vv.iterator();
            for (int d = it.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = it.nextDoc()) {
                if (live != null && !live.get(d)) continue;
                System.arraycopy(vv.vectorValue(it.index()), 0, buf, n * dim, dim);
                ids[n++] = c.docBase + d;
                if (n == chunk) { sink.accept(buf, ids, n); n = 0; }
            }
        }
        if (n > 0) sink.accept(buf, ids, n);
    }

    interface ChunkSink {
        void accept(float[] vectors, int[] docIds, int n);
    }

    @Override public synchronized void close() {
        try {
            if (writer != null) { writer.commit(); writer.close(); }
            if (reader != null) reader.close();
            dir.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close index " + path + ": " + e.getMessage(), e);
        }
    }
}
