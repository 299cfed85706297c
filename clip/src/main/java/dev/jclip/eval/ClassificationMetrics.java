package dev.jclip.eval;

import java.util.List;

/**
 * Top-1 / top-K accuracy, per-class accuracy and the confusion matrix of class scores against
 * labels: what {@code clip eval} reports for zero-shot and linear-probe predictions.
 *
 * <pre>{@code
 * ClassificationMetrics m = ClassificationMetrics.of(scores, labels, classNames, 5);
 * m.top1(); m.topK(); m.perClassAccuracy()[3]; m.confusion()[trueClass][predicted];
 * }</pre>
 */
public record ClassificationMetrics(List<String> classes, int samples, double top1, int k, double topK,
                                    double[] perClassAccuracy, int[] perClassCount, long[][] confusion) {

    /**
     * @param scores {@code [n, classes]} row-major class scores (logits or probabilities)
     * @param labels true class of each row
     * @param k      the K of top-K (capped at the class count)
     */
    public static ClassificationMetrics of(float[] scores, int[] labels, List<String> classes, int k) {
        int c = classes.size(), n = labels.length;
        if (c == 0) throw new IllegalArgumentException("no classes");
        if ((long) n * c != scores.length) {
            throw new IllegalArgumentException(scores.length + " scores do not form " + n + " rows x " + c + " classes");
        }
        int kk = Math.max(1, Math.min(k, c));
        long[][] confusion = new long[c][c];
        int[] count = new int[c], correct = new int[c];
        int top1 = 0, topK = 0;
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            if (y < 0 || y >= c) throw new IllegalArgumentException("label " + y + " of row " + i + " is outside [0, " + c + ")");
            int best = 0, above = 0;
            float ty = scores[i * c + y];
            for (int j = 0; j < c; j++) {
                float v = scores[i * c + j];
                if (v > scores[i * c + best]) best = j;
                if (v > ty || (v == ty && j < y)) above++; // ties broken by index, like argmax
            }
            confusion[y][best]++;
            count[y]++;
            if (best == y) { top1++; correct[y]++; }
            if (above < kk) topK++;
        }
        double[] per = new double[c];
        for (int j = 0; j < c; j++) per[j] = count[j] == 0 ? Double.NaN : (double) correct[j] / count[j];
        return new ClassificationMetrics(List.copyOf(classes), n, n == 0 ? 0 : (double) top1 / n, kk,
                n == 0 ? 0 : (double) topK / n, per, count, confusion);
    }

    /** Metrics of hard predictions (a one-hot score per row): top-K equals top-1. */
    public static ClassificationMetrics ofPredictions(int[] predicted, int[] labels, List<String> classes) {
        int c = classes.size();
        float[] s = new float[predicted.length * c];
        for (int i = 0; i < predicted.length; i++) s[i * c + predicted[i]] = 1;
        return of(s, labels, classes, 1);
    }

    /** Unweighted mean of the per-class accuracies (classes without samples left out). */
    public double meanPerClassAccuracy() {
        double s = 0;
        int n = 0;
        for (double a : perClassAccuracy) if (!Double.isNaN(a)) { s += a; n++; }
        return n == 0 ? 0 : s / n;
    }
}
