package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LogisticRegressionTest {
    /** Gaussian blobs around well separated class centres. */
    static Object[] blobs(int perClass, int classes, int dim, double spread, long seed) {
        Random r = new Random(seed);
        double[][] centre = new double[classes][dim];
        for (double[] c : centre) for (int j = 0; j < dim; j++) c[j] = r.nextGaussian() * 4;
        float[] x = new float[perClass * classes * dim];
        int[] y = new int[perClass * classes];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % classes;
            for (int j = 0; j < dim; j++) x[i * dim + j] = (float) (centre[y[i]][j] + spread * r.nextGaussian());
        }
        return new Object[]{new Features(x, y.length, dim), y};
    }

    @Test void separatesSeparableBlobs() {
        Object[] train = blobs(60, 4, 5, 0.5, 1), test = blobs(30, 4, 5, 0.5, 1 + 0);
        LogisticRegression m = LogisticRegression.fit((Features) train[0], (int[]) train[1], 4, 10, new Lbfgs(), null);
        assertTrue(m.fitResult().converged(), m.fitResult().toString());
        assertEquals(1.0, m.accuracy((Features) train[0], (int[]) train[1]));
        assertEquals(1.0, m.accuracy((Features) test[0], (int[]) test[1]));
    }

    @Test void matchesTheOneDimensionalClosedFormStationaryPoint() {
        // Two points, x = +1 (class 1) and x = -1 (class 0). By symmetry both biases are 0 and
        // w1 = -w0 = m/2, so the logit gap is m*x, the mean loss log(1 + e^-m) and the penalty
        // (m/2)^2 / (C n) with n = 2. Stationarity: -1/(1 + e^m) + m / (2 C n) = 0, solved by bisection.
        double c = 0.7;
        int n = 2;
        double lo = 0, hi = 50;
        for (int i = 0; i < 200; i++) {
            double m = 0.5 * (lo + hi);
            double d = -1 / (1 + Math.exp(m)) + m / (2 * c * n);
            if (d > 0) hi = m; else lo = m;
        }
        double margin = 0.5 * (lo + hi);
        Features x = new Features(new float[]{1, -1}, 2, 1);
        LogisticRegression fit = LogisticRegression.fit(x, new int[]{1, 0}, 2, c, new Lbfgs(10, 1000, 1e-12), null);
        assertEquals(margin, fit.weight(1, 0) - fit.weight(0, 0), 1e-8);
        assertEquals(0, fit.weight(1, 0) + fit.weight(0, 0), 1e-8);
        assertEquals(0, fit.bias(1) - fit.bias(0), 1e-8);
    }

    @Test void agreesWithPlainGradientDescentOnATinyOverlappingProblem() {
        // An independent optimiser (fixed-step gradient descent run to a tiny gradient) must land on the same optimum.
        Object[] data = blobs(8, 3, 2, 3.0, 7);
        Features x = (Features) data[0];
        int[] y = (int[]) data[1];
        double c = 0.05, l2 = 1.0 / (c * x.rows());
        LogisticRegression fit = LogisticRegression.fit(x, y, 3, c, new Lbfgs(10, 1000, 1e-12), null);
        double[] w = new double[3 * 3], g = new double[w.length];
        for (int it = 0; it < 200_000; it++) {
            LogisticRegression.objective(x, y, 3, l2, w, g);
            double gmax = 0;
            for (int j = 0; j < w.length; j++) { w[j] -= 0.02 * g[j]; gmax = Math.max(gmax, Math.abs(g[j])); }
            if (gmax < 1e-12) break;
        }
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 2; j++) assertEquals(w[k * 3 + j], fit.weight(k, j), 1e-7, "w[" + k + "," + j + "]");
            assertEquals(w[k * 3 + 2], fit.bias(k), 1e-7, "b[" + k + "]");
        }
    }

    @Test void gradientMatchesFiniteDifferences() {
        Object[] data = blobs(5, 3, 4, 1.0, 3);
        Features x = (Features) data[0];
        int[] y = (int[]) data[1];
        Random r = new Random(5);
        double[] w = new double[3 * 5], g = new double[w.length], tmp = new double[w.length];
        for (int j = 0; j < w.length; j++) w[j] = r.nextGaussian();
        LogisticRegression.objective(x, y, 3, 0.3, w, g);
        for (int j = 0; j < w.length; j++) {
            double h = 1e-6, save = w[j];
            w[j] = save + h;
            double fp = LogisticRegression.objective(x, y, 3, 0.3, w, tmp);
            w[j] = save - h;
            double fm = LogisticRegression.objective(x, y, 3, 0.3, w, tmp);
            w[j] = save;
            assertEquals((fp - fm) / (2 * h), g[j], 1e-6, "component " + j);
        }
    }

    @Test void badInputIsNamed() {
        Features x = new Features(new float[]{1, 2}, 2, 1);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.fit(x, new int[]{0, 5}, 2, 1, new Lbfgs(), null)).getMessage().contains("label 5 of row 1"));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[]{0}, 2, 1, new Lbfgs(), null));
        assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[]{0, 1}, 2, 0, new Lbfgs(), null));
    }
}
