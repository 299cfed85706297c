package dev.jclip.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The CLIP paper's linear-probe protocol on frozen features: multinomial logistic regression
 * ({@link LogisticRegression}, L-BFGS), the L2 strength chosen on a validation split held out
 * of the training set, then refitted on train + validation with the chosen {@code C} and scored
 * on the test set. The sweep is log-spaced over {@code [cMin, cMax]} and then refined around
 * the best value (two rounds of halving the step in log space), as CLIP_benchmark does; fits
 * along the sweep start from the previous solution to save iterations.
 *
 * <pre>{@code
 * LinearProbe.Report r = new LinearProbe().run(trainX, trainY, testX, testY, 10);
 * System.out.printf("C=%.3g accuracy %.2f%%%n", r.bestC(), 100 * r.testAccuracy());
 * }</pre>
 */
public final class LinearProbe {
    /** One point of the sweep: C and the validation accuracy it gave. */
    public record Trial(double c, double validationAccuracy) {}

    /** The chosen C, the sweep, the final model and its test accuracy. */
    public record Report(double bestC, List<Trial> sweep, LogisticRegression model, double testAccuracy, int[] testPredictions) {}

    private double cMin = 1e-6, cMax = 1e6;
    private int steps = 13;
    private int refineRounds = 2;
    private double validationFraction = 0.2;
    private long seed = 0;
    private Lbfgs lbfgs = new Lbfgs(10, 1000, 1e-6);

    /** Sweep range (inclusive) and the number of log-spaced points before refining. */
    public LinearProbe sweep(double cMin, double cMax, int steps) {
        if (!(cMin > 0) || !(cMax >= cMin) || steps < 1) {
            throw new IllegalArgumentException("C sweep needs 0 < cMin <= cMax and steps >= 1, got " + cMin + ", " + cMax + ", " + steps);
        }
        this.cMin = cMin; this.cMax = cMax; this.steps = steps;
        return this;
    }

    public LinearProbe refineRounds(int rounds) { this.refineRounds = Math.max(0, rounds); return this; }

    /** Share of the training rows held out for choosing C (default 0.2). */
    public LinearProbe validationFraction(double f) {
        if (!(f > 0 && f < 1)) throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + f);
        this.validationFraction = f;
        return this;
    }

    public LinearProbe seed(long seed) { this.seed = seed; return this; }

    public LinearProbe optimizer(Lbfgs lbfgs) { this.lbfgs = lbfgs; return this; }

    /** Runs the protocol; {@code classes} is the number of labels. */
    public Report run(Features trainX, int[] trainY, Features testX, int[] testY, int classes) {
        if (trainX.rows() < 2) throw new IllegalArgumentException("linear probe needs at least 2 training rows, got " + trainX.rows());
        if (testX.rows() != testY.length) throw new IllegalArgumentException(testX.rows() + " test rows but " + testY.length + " labels");
        int[][] split = split(trainY.length);
        Features fitX = trainX.select(split[0]), valX = trainX.select(split[1]);
        int[] fitY = pick(trainY, split[0]), valY = pick(trainY, split[1]);

        List<Trial> sweep = new ArrayList<>();
        double logLo = Math.log10(cMin), logHi = Math.log10(cMax);
        double stepLog = steps == 1 ? 0 : (logHi - logLo) / (steps - 1);
        LogisticRegression warm = null;
        double bestLog = logLo, bestAcc = -1;
        for (int k = 0; k < steps; k++) {
            double lg = logLo + k * stepLog;
            warm = LogisticRegression.fit(fitX, fitY, classes, Math.pow(10, lg), lbfgs, warm);
            double acc = warm.accuracy(valX, valY);
            sweep.add(new Trial(Math.pow(10, lg), acc));
            if (acc > bestAcc) { bestAcc = acc; bestLog = lg; } // ties keep the smaller C (stronger regularisation)
        }
        for (int round = 0; round < refineRounds && stepLog > 0; round++) {
            stepLog /= 2;
            double center = bestLog;
            for (double lg : new double[]{center - stepLog, center + stepLog}) {
                if (lg < logLo - 1e-9 || lg > logHi + 1e-9) continue;
                LogisticRegression m = LogisticRegression.fit(fitX, fitY, classes, Math.pow(10, lg), lbfgs, warm);
                double acc = m.accuracy(valX, valY);
                sweep.add(new Trial(Math.pow(10, lg), acc));
                if (acc > bestAcc || (acc == bestAcc && lg < bestLog)) { bestAcc = acc; bestLog = lg; }
            }
        }
        double bestC = Math.pow(10, bestLog);
        LogisticRegression model = LogisticRegression.fit(trainX, trainY, classes, bestC, lbfgs, warm);
        int[] predicted = model.predict(testX);
        int hit = 0;
        for (int i = 0; i < predicted.length; i++) if (predicted[i] == testY[i]) hit++;
        return new Report(bestC, sweep, model, predicted.length == 0 ? 0 : (double) hit / predicted.length, predicted);
    }

    /** A seeded random split of {@code 0..n-1} into {fit, validation}; both non-empty. */
    private int[][] split(int n) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        int nVal = Math.clamp(Math.round(n * validationFraction), 1, n - 1);
        int[] val = java.util.Arrays.copyOfRange(perm, 0, nVal);
        int[] fit = java.util.Arrays.copyOfRange(perm, nVal, n);
        java.util.Arrays.sort(val);
        java.util.Arrays.sort(fit);
        return new int[][]{fit, val};
    }

    private static int[] pick(int[] a, int[] index) {
        int[] out = new int[index.length];
        for (int k = 0; k < index.length; k++) out[k] = a[index[k]];
        return out;
    }
}
