package dev.jclip.model;

import dev.jclip.testing.SharedFiles;
import dev.jclip.torch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference model fixtures (found through {@link SharedFiles}) and tensor comparison. */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        return SharedFiles.fixtures();
    }

    /** Every model folder of the fixture set; skips the calling test when the set is absent. */
    static List<Path> modelDirs() throws IOException {
        Path models = SharedFiles.fixture("models");
        try (Stream<Path> s = Files.list(models)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static Path modelDir(String name) throws IOException {
        return SharedFiles.fixture("models/" + name);
    }

    /**
     * Asserts {@code max|actual - expected| <= rel * max|expected|} (the fixtures' README's bar),
     * after checking the shapes agree; the message names the tensor and both numbers.
     */
    static void assertClose(String name, Tensor expected, Tensor actual, double rel) {
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < e.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(e[i]));
            double d = Math.abs(a[i] - e[i]);
            if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
            maxDiff = Math.max(maxDiff, d);
        }
        double tol = rel * maxAbs;
        // the observed error, for the docs' figures (surefire keeps stdout in the report)
        System.out.printf("%-55s max|diff| %.3g = %.3g x max|expected|%n", name, maxDiff, maxAbs == 0 ? 0 : maxDiff / maxAbs);
        assertTrue(maxDiff <= tol, name + ": max |diff| " + maxDiff + " > " + rel + " x max|expected| = " + tol);
    }
}
