package dev.jclip.samples;

import dev.jclip.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code clip bench search}: the HNSW index ({@link VectorIndex}) on random unit vectors: build
 * time, then for several {@code ef} recall@k against the exact top k (libtorch matmuls) and query
 * latency p50/p99, next to the exact search's own latency.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "HNSW recall@10 vs exact, query latency and build time on random unit vectors.")
public final class BenchSearchCommand implements Callable<Integer> {
    @Option(names = "--vectors", defaultValue = "100000", description = "Indexed vectors (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--dim", defaultValue = "512", description = "Vector length (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--queries", defaultValue = "200", description = "Queries (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "-k", defaultValue = "10", description = "Top k (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--ef", split = ",", defaultValue = "10,100,400,1600,3200", description = "Candidate counts (default ${DEFAULT-VALUE}).")
    List<Integer> efs;

    @Option(names = "--near", defaultValue = "0.5",
            description = "Second query set: indexed vectors plus Gaussian noise of this norm, re-normalised (0: skip; default ${DEFAULT-VALUE}).")
    double near;

    @Option(names = {"-m", "--hnsw-m"}, defaultValue = "16", description = "HNSW degree (default ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--beam", defaultValue = "100", description = "HNSW construction beam (default ${DEFAULT-VALUE}).")
    int beam;

    static float[] unit(Random r, int n, int dim) {
        float[] v = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) { float x = (float) r.nextGaussian(); v[i * dim + j] = x; s += x * x; }
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < dim; j++) v[i * dim + j] *= inv;
        }
        return v;
    }

    @Override public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("jclip-bench-search");
        Random r = new Random(7);
        try (VectorIndex ix = VectorIndex.create(dir.resolve("ix"), dim, Map.of(), m, beam)) {
            long t0 = System.nanoTime();
            int chunk = 10_000;
            for (int from = 0; from < n; from += chunk) {
                int c = Math.min(chunk, n - from);
                List<String> keys = new ArrayList<>(c);
                for (int i = 0; i < c; i++) keys.add("v" + (from + i));
                ix.add(keys, unit(r, c, dim));
            }
            ix.commit();
            double build = (System.nanoTime() - t0) / 1e9;
            ix.forceMerge();
            double merged = (System.nanoTime() - t0) / 1e9;
            System.out.println(String.format(Locale.ROOT, "%d random unit vectors, dim %d, HNSW M=%d beam=%d; build %.1f s (%.0f vectors/s), "
                    + "merged to one segment after %.1f s; %d queries per set, recall@%d against exact (libtorch matmul) top %d",
                    n, dim, m, beam, build, n / build, merged, queries, k, k));
            System.out.println("(shared machine: latencies are disturbed by other sessions; compare within this run)");
            Random nr = new Random(9);
            float[][] random = new float[queries][], nearby = new float[queries][];
            float[] qs = unit(new Random(8), queries, dim);
            for (int i = 0; i < queries; i++) random[i] = Arrays.copyOfRange(qs, i * dim, (i + 1) * dim);
            // near: an indexed vector (regenerated from its seed stream) plus noise, as a query resembling an indexed image
            float[] firstChunk = unit(new Random(7), Math.min(n, 10_000), dim);
            for (int i = 0; i < queries; i++) {
                int src = nr.nextInt(Math.min(n, 10_000));
                float[] v = Arrays.copyOfRange(firstChunk, src * dim, (src + 1) * dim);
                float[] noise = unit(nr, 1, dim);
                double s = 0;
                for (int j = 0; j < dim; j++) { v[j] += (float) (near * noise[j]); s += v[j] * v[j]; }
                for (int j = 0; j < dim; j++) v[j] /= (float) Math.sqrt(s);
                nearby[i] = v;
            }
            for (String set : near > 0 ? List.of("random", "near") : List.of("random")) {
                float[][] q = set.equals("random") ? random : nearby;
                long e0 = System.nanoTime();
                List<List<VectorIndex.Hit>> truth = ix.exact(q, k);
                double exactBatch = (System.nanoTime() - e0) / 1e9;
                double[] exactLat = new double[Math.min(queries, 10)];
                for (int i = 0; i < exactLat.length; i++) {
                    long s = System.nanoTime();
                    ix.exact(q[i], k);
                    exactLat[i] = (System.nanoTime() - s) / 1e6;
                }
                System.out.println("queries: " + (set.equals("random") ? "random unit vectors (no structure: HNSW's hardest case)"
                        : "indexed vectors + noise of norm " + near + ", re-normalised (a query resembling indexed items)"));
                System.out.println(String.format(Locale.ROOT, "%-14s %10s %10s %10s %10s", "search", "recall@" + k, "top-1 ok", "p50 ms", "p99 ms"));
                System.out.println(String.format(Locale.ROOT, "%-14s %10.3f %10.3f %10.2f %10.2f   (one query at a time; all %d in one pass: %.1f ms/query)", "exact", 1.0, 1.0,
                        pct(exactLat, 50), pct(exactLat, 99), queries, exactBatch * 1000 / queries));
                for (int ef : efs) {
                    for (int i = 0; i < Math.min(20, queries); i++) ix.search(q[i], k, ef);   // warm-up
                    double[] lat = new double[queries];
                    long hit = 0, top1 = 0;
                    for (int i = 0; i < queries; i++) {
                        long s = System.nanoTime();
                        List<VectorIndex.Hit> h = ix.search(q[i], k, ef);
                        lat[i] = (System.nanoTime() - s) / 1e6;
                        Set<String> t = new HashSet<>();
                        for (VectorIndex.Hit x : truth.get(i)) t.add(x.key());
                        for (VectorIndex.Hit x : h) if (t.contains(x.key())) hit++;
                        if (!h.isEmpty() && h.getFirst().key().equals(truth.get(i).getFirst().key())) top1++;
                    }
                    System.out.println(String.format(Locale.ROOT, "%-14s %10.3f %10.3f %10.2f %10.2f", "HNSW ef=" + ef, hit / (double) (queries * k),
                            top1 / (double) queries, pct(lat, 50), pct(lat, 99)));
                }
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)];
    }
}
