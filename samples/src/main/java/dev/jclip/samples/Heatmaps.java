package dev.jclip.samples;

import dev.jclip.eval.ClassificationMetrics;
import dev.jclip.eval.Evaluation;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pictures of {@code clip eval} and {@code clip train}, drawn with XChart and written
 * atomically as PNG: the confusion matrix (rows = true class, columns = predicted class, cells = share of the row) and
 * an image-text cosine-similarity heatmap (the CLIP README's "similarity between text and image
 * features" figure). Plotting lives here, in the command line, so that the library ({@code clip}
 * module) does not pull XChart and PDFBox into an application's class path.
 *
 * <pre>{@code
 * Heatmaps.confusionMatrix(metrics, "zero-shot, Fashion-MNIST test", Path.of("confusion.png"));
 * Heatmaps.similarity(sim, imageNames, captions, "cosine similarity", Path.of("similarity.png"));
 * }</pre>
 */
public final class Heatmaps {
    private static final Color[] BLUES = {new Color(0xf7fbff), new Color(0x9ecae1), new Color(0x4292c6), new Color(0x08306b)};
    private static final Color[] DIVERGING = {new Color(0x2166ac), new Color(0xf7f7f7), new Color(0xb2182b)};

    static {
        System.setProperty("java.awt.headless", "true"); // servers without a display
    }

    private Heatmaps() {}

    /**
     * The pictures of an evaluation report into {@code dir}: {@code confusion_zeroshot.png},
     * {@code confusion_linear_probe.png} (when a probe ran) and {@code similarity.png}; returns them.
     */
    public static List<Path> evaluation(Evaluation.Report r, Path dir) {
        List<Path> files = new ArrayList<>();
        Path cm = dir.resolve("confusion_zeroshot.png");
        confusionMatrix(r.zeroShot(), "zero-shot confusion, " + r.dataset(), cm);
        files.add(cm);
        if (r.linearProbe() != null) {
            Path lp = dir.resolve("confusion_linear_probe.png");
            confusionMatrix(r.linearProbe(), "linear-probe confusion, " + r.dataset(), lp);
            files.add(lp);
        }
        Path sim = dir.resolve("similarity.png");
        similarity(r.similarity(), r.similarityImages(), r.similarityTexts(), "cosine similarity, image vs. text", sim);
        files.add(sim);
        return files;
    }

    /** Writes the row-normalised confusion matrix of {@code m} to {@code png}. */
    public static void confusionMatrix(ClassificationMetrics m, String title, Path png) {
        int c = m.classes().size();
        double[][] share = new double[c][c];
        for (int t = 0; t < c; t++) {
            long row = 0;
            for (long v : m.confusion()[t]) row += v;
            for (int p = 0; p < c; p++) share[t][p] = row == 0 ? 0 : (double) m.confusion()[t][p] / row;
        }
        int side = Math.max(480, 60 + 48 * c);
        HeatMapChart chart = chart(title + String.format(" (top-1 %.1f%%)", 100 * m.top1()), side + 160, side,
                "predicted class", "true class");
        chart.getStyler().setRangeColors(BLUES).setMin(0).setMax(1).setShowValue(c <= 20)
                .setHeatMapValueDecimalPattern("0.00");
        chart.getStyler().setXAxisLabelRotation(c > 6 ? 45 : 0);
        chart.addSeries("share of true class", m.classes(), reversed(m.classes()), cells(share, true));
        writePng(chart, png);
    }

    /** Writes a heatmap of {@code sim} ({@code rows x cols}, row-major) to {@code png}. */
    public static void similarity(float[] sim, List<String> rows, List<String> cols, String title, Path png) {
        int r = rows.size(), c = cols.size();
        if ((long) r * c != sim.length) throw new IllegalArgumentException(sim.length + " values do not form " + r + " x " + c);
        double[][] v = new double[r][c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) v[i][j] = sim[i * c + j];
        similarity(v, rows, cols, title, png);
    }

    /** Writes a heatmap of {@code v[row][col]} (e.g. mean similarity of each class's images to each class prompt) to {@code png}. */
    public static void similarity(double[][] v, List<String> rows, List<String> cols, String title, Path png) {
        int r = rows.size(), c = cols.size();
        if (v.length != r) throw new IllegalArgumentException(v.length + " rows of values for " + r + " row labels");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : v) {
            if (row.length != c) throw new IllegalArgumentException("a row of " + row.length + " values for " + c + " column labels");
            for (double x : row) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        }
        // Round the colour range outward to 0.01 so the legend reads as short numbers.
        lo = Math.floor(lo * 100) / 100;
        hi = Math.ceil(hi * 100) / 100;
        if (lo == hi) hi += 0.01;
        HeatMapChart chart = chart(title, 420 + 64 * c, 260 + 36 * r, "text", "image");
        chart.getStyler().setValueFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        chart.getStyler().setRangeColors(DIVERGING).setMin(lo).setMax(hi).setShowValue(r * c <= 400)
                .setHeatMapValueDecimalPattern("0.00");
        chart.getStyler().setXAxisLabelRotation(c > 6 ? 45 : 0);
        chart.addSeries("cosine similarity", shorten(cols), reversed(shorten(rows)), cells(v, true));
        writePng(chart, png);
    }

    private static HeatMapChart chart(String title, int width, int height, String xTitle, String yTitle) {
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** {x, y, value} triples; with {@code flipRows} row 0 is drawn at the top. */
    private static List<Number[]> cells(double[][] v, boolean flipRows) {
        List<Number[]> out = new ArrayList<>();
        int r = v.length;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < v[i].length; j++) out.add(new Number[]{j, flipRows ? r - 1 - i : i, v[i][j]});
        }
        return out;
    }

    private static List<String> reversed(List<String> l) {
        List<String> out = new ArrayList<>(l);
        java.util.Collections.reverse(out);
        return out;
    }

    private static List<String> shorten(List<String> labels) {
        return labels.stream().map(s -> s.length() <= 28 ? s : s.substring(0, 25) + "...").toList();
    }

    /** Encodes any XChart chart as PNG and writes it atomically ({@link dev.jclip.io.AtomicFile}). */
    public static void writePng(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) {
        byte[] bytes;
        try {
            bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + png, e);
        }
        dev.jclip.io.AtomicFile.write(png, bytes);
    }
}
