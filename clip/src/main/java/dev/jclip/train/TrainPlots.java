package dev.jclip.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * PNG charts of a run: the loss curve (XChart) and a similarity heatmap (java.awt: one cell per
 * image class and prompt, labels on both axes). Both are written to a temporary file and renamed.
 *
 * <pre>{@code
 * TrainPlots.lossCurve(steps, losses, out.resolve("loss.png"));
 * TrainPlots.heatmap(sim, rows, cols, "mean cosine similarity", out.resolve("similarity.png"));
 * }</pre>
 */
public final class TrainPlots {
    private TrainPlots() {}

    /** Loss against step, with a moving average over about 2 % of the points. */
    public static void lossCurve(double[] steps, double[] losses, Path png) {
        if (steps.length == 0) return;
        XYChart chart = new XYChartBuilder().width(900).height(500).title("training loss").xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setMarkerSize(0);
        chart.addSeries("loss", steps, losses).setMarker(SeriesMarkers.NONE);
        int w = Math.max(1, steps.length / 50);
        if (w > 1) {
            double[] avg = new double[losses.length];
            double sum = 0;
            for (int i = 0; i < losses.length; i++) {
                sum += losses[i];
                if (i >= w) sum -= losses[i - w];
                avg[i] = sum / Math.min(i + 1, w);
            }
            chart.addSeries("moving average (" + w + ")", steps, avg).setMarker(SeriesMarkers.NONE);
        }
        try {
            Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), ".loss", ".png");
            BitmapEncoder.saveBitmap(chart, tmp.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    /** A heatmap of {@code values[row][col]} (rows: image classes, cols: prompts), blue (low) to red (high). */
    public static void heatmap(double[][] values, List<String> rows, List<String> cols, String title, Path png) {
        int cell = 22, left = 150, top = 150, legend = 40;
        int w = left + cols.size() * cell + legend, h = top + rows.size() * cell + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] r : values) for (double v : r) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            double span = hi > lo ? hi - lo : 1;
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < cols.size(); j++) {
                    float t = (float) ((values[i][j] - lo) / span);
                    g.setColor(Color.getHSBColor(0.66f * (1 - t), 0.85f, 0.95f));
                    g.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
                }
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(title + String.format(" (%.3f .. %.3f)", lo, hi), 8, 16);
            for (int i = 0; i < rows.size(); i++) g.drawString(rows.get(i), 6, top + i * cell + 15);
            for (int j = 0; j < cols.size(); j++) {
                Graphics2D r = (Graphics2D) g.create();
                r.translate(left + j * cell + 15, top - 6);
                r.rotate(-Math.PI / 2);
                r.drawString(cols.get(j), 0, 0);
                r.dispose();
            }
        } finally {
            g.dispose();
        }
        try {
            Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), ".heat", ".png");
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
