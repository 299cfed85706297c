package dev.jclip.train;

import dev.jclip.eval.Heatmaps;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.nio.file.Path;

/**
 * The loss curve of a run (XChart), written atomically. Heatmaps (similarity, confusion) are
 * drawn by {@link Heatmaps}, shared with {@code clip eval}.
 *
 * <pre>{@code
 * TrainPlots.lossCurve(steps, losses, out.resolve("loss.png"));
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
        Heatmaps.writePng(chart, png);
    }
}
