package dev.jclip.samples;

import com.fasterxml.jackson.databind.JsonNode;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loss curve of a run (XChart), written atomically: {@code OUT/loss.png} drawn from every
 * record of {@code OUT/metrics.jsonl} (so a resumed run plots its full history). Heatmaps
 * (similarity, confusion) are drawn by {@link Heatmaps}.
 *
 * <pre>{@code
 * LossCurve.plot(out);                                    // out/metrics.jsonl -> out/loss.png
 * LossCurve.draw(steps, losses, out.resolve("loss.png"));
 * }</pre>
 */
final class LossCurve {
    private LossCurve() {}

    /** Draws {@code run/loss.png} from the {@code step}/{@code loss} records of {@code run/metrics.jsonl}. */
    static void plot(Path run) {
        Path metrics = run.resolve("metrics.jsonl");
        List<double[]> pts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(metrics)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.MAPPER.readTree(line);
                if (n.has("step") && n.has("loss")) pts.add(new double[]{n.get("step").asDouble(), n.get("loss").asDouble()});
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics + ": " + e.getMessage(), e);
        }
        double[] x = pts.stream().mapToDouble(p -> p[0]).toArray(), y = pts.stream().mapToDouble(p -> p[1]).toArray();
        draw(x, y, run.resolve("loss.png"));
    }

    /** Loss against step, with a moving average over about 2 % of the points. */
    static void draw(double[] steps, double[] losses, Path png) {
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
        Heatmaps.writePng(chart, png);
    }
}
