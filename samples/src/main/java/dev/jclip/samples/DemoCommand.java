package dev.jclip.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code clip demo}: trains a small CLIP on synthetic shapes on the CPU (a few minutes), then
 * reports zero-shot top-1 on held-out colour-shape combinations and on seen ones, against chance.
 * The last line printed is one JSON object.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small CLIP on synthetic shapes (CPU, minutes), report zero-shot top-1 on held-out and seen "
                + "colour-shape combinations; writes the checkpoint, loss curve and similarity heatmap. Last line: JSON.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo-out", description = "output folder (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--steps", defaultValue = "500") int steps;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--lr", defaultValue = "2e-3") double lr;
    @Option(names = "--precision", defaultValue = "fp32") String precision;
    @Option(names = "--max-minutes", defaultValue = "8", description = "training time cap, so the demo stays under 10 minutes") double maxMinutes;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--no-progress") boolean noProgress;

    @Override public Integer call() throws Exception {
        long t0 = System.nanoTime();
        TrainCommand t = new TrainCommand();
        t.data = "synthetic";
        t.model = "shapes";
        t.precision = precision;
        t.batch = batch;
        t.accum = 1;
        t.steps = steps;
        t.lr = lr;
        t.warmup = Math.max(1, steps / 20);
        t.wd = 0.1;
        t.gradClip = 1.0;
        t.labelSmoothing = 0.0;
        t.seed = seed;
        t.workers = 1;
        t.out = out;
        t.checkpointEvery = 0;
        t.logEvery = 5;
        t.maxMinutes = maxMinutes;
        t.device = "cpu";
        t.noProgress = noProgress;
        TrainCommand.Result r = t.run();
        ObjectNode rep = r.report();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.err.printf("trained %d steps in %.0f s (%.0f samples/s)%s%n", rep.get("steps").asLong(), r.summary().seconds(),
                r.summary().samplesPerSecond(), r.summary().stoppedByTime() ? ", stopped by the time cap" : "");
        System.err.printf("zero-shot top-1: held-out combinations %.1f %%, seen %.1f %%, chance %.1f %% (held-out / chance = %.1fx)%n",
                100 * rep.get("heldout_top1").asDouble(), 100 * rep.get("seen_top1").asDouble(), 100 * rep.get("chance").asDouble(),
                rep.get("heldout_top1").asDouble() / rep.get("chance").asDouble());
        System.err.println("wrote " + out.resolve("model.safetensors") + ", loss.png, similarity.png, metrics.jsonl");
        ObjectNode last = dev.jclip.train.Recipes.json().put("heldout_top1", round(rep.get("heldout_top1").asDouble())).put("seen_top1", round(rep.get("seen_top1").asDouble()))
                .put("chance", round(rep.get("chance").asDouble())).put("seconds", Math.round(secs * 10) / 10.0)
                .put("out", out.toAbsolutePath().toString());
        System.out.println(last.toString());
        return 0;
    }


    private static double round(double v) { return Math.round(v * 10000) / 10000.0; }
}
