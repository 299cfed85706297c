package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LinearProbeTest {
    /**
     * Two classes where regularisation matters: x0 = label + n, x1 = n with a large shared noise n.
     * The class means differ only along x0 (what a heavily regularised fit follows: poor), while
     * x0 - x1 separates the classes exactly (what a weakly regularised fit finds).
     */
    static Object[] cancellingNoise(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            double noise = 5 * r.nextGaussian();
            x[2 * i] = (float) (y[i] + noise + 0.05 * r.nextGaussian());
            x[2 * i + 1] = (float) noise;
        }
        return new Object[]{new Features(x, n, 2), y};
    }

    @Test void choosesCOnValidationAndScoresTheTestSet() {
        Object[] train = cancellingNoise(200, 1), test = cancellingNoise(100, 2);
        LinearProbe.Report r = new LinearProbe().sweep(1e-4, 1e4, 9).run(
                (Features) train[0], (int[]) train[1], (Features) test[0], (int[]) test[1], 2);
        // 9 grid points + 2 refinement rounds of up to 2 (a neighbour outside [cMin, cMax] is skipped)
        assertTrue(r.sweep().size() >= 9 + 2 && r.sweep().size() <= 9 + 4, "sweep size " + r.sweep().size());
        assertTrue(r.sweep().getFirst().validationAccuracy() < 0.8, "C=1e-4 follows the class means: " + r.sweep().getFirst());
        assertTrue(r.bestC() > 1e-4, "best C " + r.bestC());
        assertTrue(r.testAccuracy() > 0.95, "accuracy " + r.testAccuracy());
        double bestVal = r.sweep().stream().mapToDouble(LinearProbe.Trial::validationAccuracy).max().orElseThrow();
        assertTrue(r.sweep().stream().anyMatch(t -> Math.abs(t.c() - r.bestC()) < 1e-9 * r.bestC() && t.validationAccuracy() == bestVal));
        assertEquals(100, r.testPredictions().length);
    }

    @Test void separatesMultiClassBlobs() {
        Object[] train = LogisticRegressionTest.blobs(40, 5, 6, 1.0, 11), test = LogisticRegressionTest.blobs(20, 5, 6, 1.0, 11);
        LinearProbe.Report r = new LinearProbe().sweep(1e-3, 1e3, 4).run(
                (Features) train[0], (int[]) train[1], (Features) test[0], (int[]) test[1], 5);
        assertEquals(1.0, r.testAccuracy());
    }

    @Test void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new LinearProbe().sweep(0, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> new LinearProbe().validationFraction(1));
    }
}
