package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LbfgsTest {
    @Test void findsTheMinimumOfRosenbrock() {
        // Rosenbrock's banana: curved valley, minimum at (1, 1); a classic test of quasi-Newton curvature handling.
        Lbfgs.Result r = new Lbfgs(10, 1000, 1e-10).minimize((x, g) -> {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }, new double[]{-1.2, 1});
        assertTrue(r.converged(), r.toString());
        assertEquals(1, r.x()[0], 1e-6);
        assertEquals(1, r.x()[1], 1e-6);
        assertTrue(r.iterations() < 200, "iterations " + r.iterations());
    }

    @Test void solvesAnIllConditionedQuadraticLikeTheLinearSystem() {
        // f = 1/2 x'Ax - b'x has its minimum at A^-1 b; A diagonal with condition number 1e4.
        double[] diag = {1, 10, 100, 1000, 10000};
        double[] b = {1, -2, 3, -4, 5};
        Lbfgs.Result r = new Lbfgs(5, 500, 1e-12).minimize((x, g) -> {
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                g[i] = diag[i] * x[i] - b[i];
                f += 0.5 * diag[i] * x[i] * x[i] - b[i] * x[i];
            }
            return f;
        }, new double[5]);
        for (int i = 0; i < 5; i++) assertEquals(b[i] / diag[i], r.x()[i], 1e-6 * Math.max(1, Math.abs(b[i] / diag[i])));
    }

    @Test void rejectsANonFiniteObjective() {
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> new Lbfgs().minimize((x, g) -> Double.NaN, new double[1]));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(0, 10, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(5, 10, 0));
    }
}
