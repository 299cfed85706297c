package dev.jclip.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Lucene HNSW index: round trip, exact search, incremental adds, recorded model, bad input. */
class VectorIndexTest {
    @TempDir Path dir;

    static float[] unitVectors(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) { v[i * dim + j] = (float) r.nextGaussian(); s += v[i * dim + j] * v[i * dim + j]; }
            for (int j = 0; j < dim; j++) v[i * dim + j] /= (float) Math.sqrt(s);
        }
        return v;
    }

    static List<String> keys(int from, int n) {
        List<String> k = new ArrayList<>();
        for (int i = from; i < from + n; i++) k.add("img-" + i + ".jpg");
        return k;
    }

    @Test void everyVectorFindsItselfFirstAndExactAgrees() {
        int n = 300, dim = 16;
        float[] v = unitVectors(n, dim, 1);
        Path p = dir.resolve("ix");
        try (VectorIndex ix = VectorIndex.create(p, dim, Map.of("checkpoint", "/m/vit.safetensors"))) {
            ix.accept(keys(0, 200), java.util.Arrays.copyOf(v, 200 * dim));
            ix.accept(keys(200, 100), java.util.Arrays.copyOfRange(v, 200 * dim, n * dim));   // a second commit
            assertEquals(n, ix.size());
            for (int i = 0; i < n; i += 23) {
                float[] q = java.util.Arrays.copyOfRange(v, i * dim, (i + 1) * dim);
                List<VectorIndex.Hit> h = ix.search(q, 5, 50);
                assertEquals("img-" + i + ".jpg", h.getFirst().key());
                assertEquals(1.0, h.getFirst().score(), 1e-5);
                List<VectorIndex.Hit> e = ix.exact(q, 5);
                assertEquals("img-" + i + ".jpg", e.getFirst().key());
                for (int j = 1; j < e.size(); j++) assertTrue(e.get(j - 1).score() >= e.get(j).score(), "best first");
                double dot = 0;
                float[] other = null;
                int idx = Integer.parseInt(e.get(1).key().replaceAll("\\D", ""));
                other = java.util.Arrays.copyOfRange(v, idx * dim, (idx + 1) * dim);
                for (int j = 0; j < dim; j++) dot += q[j] * other[j];
                assertEquals(dot, e.get(1).score(), 1e-5, "exact scores are cosines");
            }
        }
        try (VectorIndex ix = VectorIndex.open(p)) {
            assertEquals("/m/vit.safetensors", ix.info().get("checkpoint"), "the index records its model");
            assertEquals(dim, ix.dim());
            assertEquals(n, ix.keys().size());
            // incremental: a new key is added, an existing key is replaced, not duplicated
            float[] extra = unitVectors(2, dim, 99);
            ix.accept(List.of("img-0.jpg", "new.jpg"), extra);
            assertEquals(n + 1, ix.size());
            assertEquals("img-0.jpg", ix.exact(java.util.Arrays.copyOf(extra, dim), 1).getFirst().key());
            assertTrue(ix.keys().containsAll(Set.of("new.jpg", "img-299.jpg")));
        }
    }

    @Test void badInputNamesTheProblem() throws Exception {
        Path p = dir.resolve("ix");
        try (VectorIndex ix = VectorIndex.create(p, 8, Map.of())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ix.search(new float[5], 3, 10));
            assertTrue(e.getMessage().contains("5 values") && e.getMessage().contains("8-d"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ix.accept(List.of("a"), new float[7]));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.create(p, 8, Map.of()));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.open(dir.resolve("empty")));
        assertTrue(e.getMessage().contains("not a jclip index"), e.getMessage());
    }
}
