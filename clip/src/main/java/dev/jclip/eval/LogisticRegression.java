package dev.jclip.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the bias), fitted with
 * {@link Lbfgs}: what scikit-learn's {@code LogisticRegression(C=..., solver="lbfgs")} fits and
 * what the CLIP paper uses for its linear probes. The objective is scikit-learn's divided by the
 * sample count: {@code mean cross-entropy + ||W||^2 / (2 C n)}, so {@code C} means the same.
 *
 * <pre>{@code
 * Features train = new Features(x, n, d);               // float32 rows
 * LogisticRegression lr = LogisticRegression.fit(train, labels, 10, 0.316, new Lbfgs(), null);
 * int[] predicted = lr.predict(test);
 * }</pre>
 */
public final class LogisticRegression {
    private final int classes;
    private final int dim;
    /** Per class: {@code dim} weights then the bias. */
    private final double[] params;
    private final Lbfgs.Result fit;

    private LogisticRegression(int classes, int dim, double[] params, Lbfgs.Result fit) {
        this.classes = classes;
        this.dim = dim;
        this.params = params;
        this.fit = fit;
    }

    /**
     * Fits on {@code x} with labels in {@code [0, classes)}.
     *
     * @param c         inverse regularisation strength (scikit-learn's {@code C}), > 0
     * @param warmStart parameters of an earlier fit of the same shape to start from, or null
     */
    public static LogisticRegression fit(Features x, int[] labels, int classes, double c, Lbfgs lbfgs, LogisticRegression warmStart) {
        if (labels.length != x.rows()) {
            throw new IllegalArgumentException("logistic regression: " + x.rows() + " feature rows but " + labels.length + " labels");
        }
        if (classes < 2) throw new IllegalArgumentException("logistic regression needs at least 2 classes, got " + classes);
        if (!(c > 0) || Double.isInfinite(c)) throw new IllegalArgumentException("C must be positive and finite, got " + c);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside [0, " + classes + ")");
            }
        }
        int d = x.dim();
        double[] start = new double[classes * (d + 1)];
        if (warmStart != null && warmStart.classes == classes && warmStart.dim == d) {
            System.arraycopy(warmStart.params, 0, start, 0, start.length);
        }
        double l2 = 1.0 / (c * x.rows());
        Lbfgs.Result r = lbfgs.minimize((w, g) -> objective(x, labels, classes, l2, w, g), start);
        return new LogisticRegression(classes, d, r.x(), r);
    }

    /** The penalised mean cross-entropy at {@code w}, its gradient into {@code g}. */
    static double objective(Features x, int[] labels, int classes, double l2, double[] w, double[] g) {
        int n = x.rows(), d = x.dim(), stride = d + 1;
        int chunks = Math.max(1, Math.min(64, n / 256));
        // Each chunk accumulates its own loss and gradient; summed afterwards (no shared writes).
        double[][] partial = IntStream.range(0, chunks).parallel().mapToObj(k -> {
            double[] acc = new double[w.length + 1];
            double[] z = new double[classes];
            int from = (int) ((long) n * k / chunks), to = (int) ((long) n * (k + 1) / chunks);
            for (int i = from; i < to; i++) {
                int off = i * d;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    int base = c * stride;
                    double s = w[base + d];
                    for (int j = 0; j < d; j++) s += w[base + j] * x.data()[off + j];
                    z[c] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) { z[c] = Math.exp(z[c] - max); sum += z[c]; }
                acc[w.length] += Math.log(sum) + max - (Math.log(z[labels[i]]) + max);
                for (int c = 0; c < classes; c++) {
                    double p = z[c] / sum - (c == labels[i] ? 1 : 0);
                    int base = c * stride;
                    for (int j = 0; j < d; j++) acc[base + j] += p * x.data()[off + j];
                    acc[base + d] += p;
                }
            }
            return acc;
        }).toArray(double[][]::new);
        Arrays.fill(g, 0);
        double loss = 0;
        for (double[] acc : partial) {
            for (int j = 0; j < g.length; j++) g[j] += acc[j];
            loss += acc[w.length];
        }
        loss /= n;
        for (int j = 0; j < g.length; j++) g[j] /= n;
        double reg = 0;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < d; j++) {
                double v = w[c * stride + j];
                reg += v * v;
                g[c * stride + j] += l2 * v;
            }
        }
        return loss + 0.5 * l2 * reg;
    }

    /** Class scores (logits) {@code [rows, classes]} for {@code x}. */
    public double[] decisionFunction(Features x) {
        requireDim(x);
        int n = x.rows(), stride = dim + 1;
        double[] out = new double[n * classes];
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int c = 0; c < classes; c++) {
                double s = params[c * stride + dim];
                for (int j = 0; j < dim; j++) s += params[c * stride + j] * x.data()[i * dim + j];
                out[i * classes + c] = s;
            }
        });
        return out;
    }

    /** The most likely class of each row. */
    public int[] predict(Features x) {
        double[] s = decisionFunction(x);
        int[] out = new int[x.rows()];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) if (s[i * classes + c] > s[i * classes + best]) best = c;
            out[i] = best;
        }
        return out;
    }

    /** Fraction of rows whose predicted class equals the label. */
    public double accuracy(Features x, int[] labels) {
        int[] p = predict(x);
        int hit = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) hit++;
        return p.length == 0 ? 0 : (double) hit / p.length;
    }

    /** Weight of class {@code c} for feature {@code j}. */
    public double weight(int c, int j) { return params[c * (dim + 1) + j]; }

    /** Bias of class {@code c}. */
    public double bias(int c) { return params[c * (dim + 1) + dim]; }

    public int classes() { return classes; }

    public int dim() { return dim; }

    /** The optimiser's report (iterations, convergence, final objective). */
    public Lbfgs.Result fitResult() { return fit; }

    private void requireDim(Features x) {
        if (x.dim() != dim) throw new IllegalArgumentException("model has " + dim + " features per row, input has " + x.dim());
    }
}
