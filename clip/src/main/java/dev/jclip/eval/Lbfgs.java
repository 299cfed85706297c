package dev.jclip.eval;

/**
 * Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", algorithm 7.4/7.5) on
 * {@code double[]}: the two-loop recursion over the last {@code m} curvature pairs, and a
 * line search that enforces the strong Wolfe conditions by bracketing and bisection-cubic zoom.
 * Meant for smooth convex problems such as {@link LogisticRegression}.
 *
 * <pre>{@code
 * // minimise (x0-3)^2 + (x1+1)^2
 * Lbfgs.Result r = new Lbfgs().minimize((x, g) -> {
 *     g[0] = 2 * (x[0] - 3); g[1] = 2 * (x[1] + 1);
 *     return (x[0] - 3) * (x[0] - 3) + (x[1] + 1) * (x[1] + 1);
 * }, new double[2]);
 * // r.x() ~ {3, -1}
 * }</pre>
 */
public final class Lbfgs {
    /** A differentiable function: returns f(x) and writes its gradient into {@code grad}. */
    @FunctionalInterface
    public interface Objective {
        double evaluate(double[] x, double[] grad);
    }

    /** The minimiser found, its value, gradient norm, iterations used and whether it converged. */
    public record Result(double[] x, double value, double gradientNorm, int iterations, boolean converged) {}

    private final int history;
    private final int maxIterations;
    private final double gradientTolerance;

    /** Defaults: 10 pairs, 1000 iterations (the paper's cap), gradient tolerance 1e-6 (relative). */
    public Lbfgs() { this(10, 1000, 1e-6); }

    /**
     * @param history           curvature pairs kept (m)
     * @param maxIterations     iteration cap
     * @param gradientTolerance stop when {@code ||g||_inf <= tol * max(1, |f|)}
     */
    public Lbfgs(int history, int maxIterations, double gradientTolerance) {
        if (history < 1 || maxIterations < 1 || !(gradientTolerance > 0)) {
            throw new IllegalArgumentException("L-BFGS needs history >= 1, maxIterations >= 1, tolerance > 0; got "
                    + history + ", " + maxIterations + ", " + gradientTolerance);
        }
        this.history = history;
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
    }

    /** Minimises {@code f} from {@code x0} (not modified). */
    public Result minimize(Objective f, double[] x0) {
        int n = x0.length;
        double[] x = x0.clone();
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        checkFinite(fx, 0);
        double[][] s = new double[history][];
        double[][] y = new double[history][];
        double[] rho = new double[history];
        double[] alpha = new double[history];
        int stored = 0, head = 0;
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        for (int iter = 0; iter < maxIterations; iter++) {
            if (normInf(g) <= gradientTolerance * Math.max(1, Math.abs(fx))) {
                return new Result(x, fx, normInf(g), iter, true);
            }
            // Two-loop recursion: d = -H g.
            System.arraycopy(g, 0, d, 0, n);
            for (int k = 0; k < stored; k++) {
                int i = Math.floorMod(head - 1 - k, history);
                alpha[i] = rho[i] * dot(s[i], d);
                axpy(-alpha[i], y[i], d);
            }
            double gamma = 1.0;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, history);
                gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
            }
            for (int j = 0; j < n; j++) d[j] *= gamma;
            for (int k = stored - 1; k >= 0; k--) {
                int i = Math.floorMod(head - 1 - k, history);
                double beta = rho[i] * dot(y[i], d);
                axpy(alpha[i] - beta, s[i], d);
            }
            for (int j = 0; j < n; j++) d[j] = -d[j];
            double slope = dot(g, d);
            if (slope >= 0) { // not a descent direction (numerical trouble): restart with steepest descent
                for (int j = 0; j < n; j++) d[j] = -g[j];
                slope = dot(g, d);
                stored = 0;
            }
            double step0 = stored == 0 ? Math.min(1.0, 1.0 / Math.max(1e-12, normInf(g))) : 1.0;
            double[] fOut = new double[1];
            double step = lineSearch(f, x, fx, slope, d, step0, xNew, gNew, fOut);
            if (step == 0) return new Result(x, fx, normInf(g), iter, false); // no progress possible
            double fNew = fOut[0];
            checkFinite(fNew, iter + 1);
            double[] sk = new double[n], yk = new double[n];
            for (int j = 0; j < n; j++) { sk[j] = xNew[j] - x[j]; yk[j] = gNew[j] - g[j]; }
            double sy = dot(sk, yk);
            if (sy > 1e-10 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) { // keep H positive definite
                s[head] = sk; y[head] = yk; rho[head] = 1.0 / sy;
                head = (head + 1) % history;
                stored = Math.min(stored + 1, history);
            }
            double fOld = fx;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (Math.abs(fOld - fx) <= 1e-14 * Math.max(1, Math.abs(fx))) {
                return new Result(x, fx, normInf(g), iter + 1, true);
            }
        }
        return new Result(x, fx, normInf(g), maxIterations, normInf(g) <= gradientTolerance * Math.max(1, Math.abs(fx)));
    }

    private static final double C1 = 1e-4, C2 = 0.9;

    /**
     * Strong-Wolfe line search (c1 = 1e-4, c2 = 0.9, Nocedal-Wright algorithm 3.5 with a bisecting
     * zoom): leaves the accepted point, its gradient and value in xOut, gOut, fOut. Returns the
     * step, or 0 when no step decreases f (then the caller stops).
     */
    private static double lineSearch(Objective f, double[] x, double f0, double slope0, double[] d, double step0,
                                     double[] xOut, double[] gOut, double[] fOut) {
        double step = step0, prev = 0, fPrev = f0;
        for (int i = 0; i < 50; i++) {
            double fs = eval(f, x, d, step, xOut, gOut);
            double slope = dot(gOut, d);
            if (fs > f0 + C1 * step * slope0 || (i > 0 && fs >= fPrev)) {
                return zoom(f, x, f0, slope0, d, prev, fPrev, step, xOut, gOut, fOut);
            }
            if (Math.abs(slope) <= -C2 * slope0) { fOut[0] = fs; return step; }
            if (slope >= 0) return zoom(f, x, f0, slope0, d, step, fs, prev, xOut, gOut, fOut);
            prev = step;
            fPrev = fs;
            step *= 2;
        }
        fOut[0] = eval(f, x, d, prev, xOut, gOut);
        return prev;
    }

    private static double zoom(Objective f, double[] x, double f0, double slope0, double[] d,
                               double lo, double fLo, double hi, double[] xOut, double[] gOut, double[] fOut) {
        for (int i = 0; i < 60 && Math.abs(hi - lo) > 1e-16 * Math.max(1, Math.abs(lo)); i++) {
            double step = 0.5 * (lo + hi);
            double fs = eval(f, x, d, step, xOut, gOut);
            if (fs > f0 + C1 * step * slope0 || fs >= fLo) {
                hi = step;
            } else {
                double slope = dot(gOut, d);
                if (Math.abs(slope) <= -C2 * slope0) { fOut[0] = fs; return step; }
                if (slope * (hi - lo) >= 0) hi = lo;
                lo = step;
                fLo = fs;
            }
        }
        if (lo == 0) return 0;
        // Curvature not met within the budget: accept the best sufficient-decrease step found.
        fOut[0] = eval(f, x, d, lo, xOut, gOut);
        return lo;
    }

    private static double eval(Objective f, double[] x, double[] d, double step, double[] xOut, double[] gOut) {
        for (int j = 0; j < x.length; j++) xOut[j] = x[j] + step * d[j];
        double v = f.evaluate(xOut, gOut);
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static void checkFinite(double v, int iter) {
        if (!Double.isFinite(v)) throw new ArithmeticException("L-BFGS: objective is " + v + " at iteration " + iter);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }

    private static double normInf(double[] v) {
        double m = 0;
        for (double e : v) m = Math.max(m, Math.abs(e));
        return m;
    }

    @Override public String toString() {
        return "Lbfgs[m=" + history + ", maxIterations=" + maxIterations + ", tol=" + gradientTolerance + "]";
    }
}
