package dev.jclip.index;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Exact cosine top-k over every vector of an index: chunks of 32,768 vectors at a time go through
 * one libtorch matmul against all queries, each chunk's top k is merged into the running best.
 * Memory holds one chunk (64 MiB at 512-d), whatever the index size. The reference for the HNSW
 * search's recall, and the right tool for small sets.
 */
final class ExactSearch {
    static final int CHUNK = 32_768;

    private ExactSearch() {}

    private record Cand(int doc, float score) {}

    static List<List<VectorIndex.Hit>> topK(DirectoryReader r, float[][] queries, int k, int dim) {
        int nq = queries.length;
        float[] q = new float[nq * dim];
        for (int i = 0; i < nq; i++) {
            if (queries[i].length != dim) throw new IllegalArgumentException("query " + i + " has " + queries[i].length + " values, the index holds " + dim + "-d vectors");
            System.arraycopy(queries[i], 0, q, i * dim, dim);
        }
        List<List<Cand>> best = new ArrayList<>();
        for (int i = 0; i < nq; i++) best.add(new ArrayList<>());
        Comparator<Cand> order = Comparator.comparingDouble((Cand c) -> -c.score()).thenComparingInt(Cand::doc);
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor qt = Torch.of(q, nq, dim).t();   // [dim, nq]
            VectorIndex.forEachVectorChunk(r, dim, CHUNK, (vec, ids, n) -> {
                try (Scope cs = Scope.open()) {
                    Tensor scores = Torch.of(java.util.Arrays.copyOf(vec, n * dim), n, dim).mm(qt);   // [n, nq]
                    int kk = Math.min(k, n);
                    Tensor[] top = scores.topk(kk, 0);                                                  // [kk, nq]
                    float[] val = top[0].contiguous().toFloatArray();
                    long[] idx = top[1].contiguous().toLongArray();
                    for (int j = 0; j < nq; j++) {
                        List<Cand> b = best.get(j);
                        for (int t = 0; t < kk; t++) b.add(new Cand(ids[(int) idx[t * nq + j]], val[t * nq + j]));
                        b.sort(order);
                        while (b.size() > k) b.removeLast();
                    }
                }
            });
            StoredFields sf = r.storedFields();
            List<List<VectorIndex.Hit>> out = new ArrayList<>();
            for (List<Cand> b : best) {
                List<VectorIndex.Hit> hits = new ArrayList<>();
                for (Cand c : b) hits.add(new VectorIndex.Hit(sf.document(c.doc()).get(VectorIndex.KEY), c.score()));
                out.add(hits);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the index vectors: " + e.getMessage(), e);
        }
    }
}
