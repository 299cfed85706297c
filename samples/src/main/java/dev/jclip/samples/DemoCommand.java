package dev.jclip.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.train.TrainJob;
import dev.jclip.train.TrainOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code clip demo}: trains a small CLIP on synthetic shapes on the CPU (a few minutes), then
 * reports zero-shot top-1 on held-out colour-shape combinations and on seen ones, against chance.
 * The last line printed is one JSON object.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Train a small CLIP on synthetic shapes (CPU, minutes), report zero-shot top-1 on held-out and seen "
                + "colour-shape combinations; writes the checkpoint, loss curve and similarity heatmap. Last line: JSON.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo-out", description = "output folder (a previous demo there is replaced)") Path out;
    @Option(names = "--steps", defaultValue = "500", description = "optimizer steps") int steps;
    @Option(names = "--batch", defaultValue = "64", description = "examples per step") int batch;
    @Option(names = "--lr", defaultValue = "2e-3", description = "peak learning rate") double lr;
    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 | bf16 | fp16") String precision;
    @Option(names = "--max-minutes", defaultValue = "8", description = "training time cap, so the demo stays under 10 minutes") double maxMinutes;
    @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation and data") long seed;
    @Option(names = "--progress", defaultValue = "auto", description = "auto (a bar on a terminal, lines in a log) | bar | lines | none") String progress;
    @Option(names = "--no-progress", description = "same as --progress none") boolean noProgress;

    @Override public Integer call() throws Exception {
        long t0 = System.nanoTime();
        TrainJob.Result r = new TrainJob(new TrainOptions().data("synthetic").model("shapes").out(out).overwrite(holdsDemo(out))
                .steps(steps).batch(batch).lr(lr).weightDecay(0.1).precision(precision).seed(seed)
                .checkpointEvery(0).logEvery(5).maxMinutes(maxMinutes)
                .progress(ConsoleProgress.create(noProgress ? "none" : progress, "10s"))).run();
        RunPictures.draw(r, out);
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


    /** A second demo replaces the first; any other run in --out is refused (by the job) rather than deleted. */
    private static boolean holdsDemo(Path out) {
        var state = new dev.jclip.train.RunFolder(out).latestState();
        if (state == null) return new dev.jclip.train.RunFolder(out).runFiles().isEmpty();
        var s = state.path("extra").path(dev.jclip.train.RunSettings.KEY);
        return s.path("--data").asText().equals("synthetic") && s.path("--model").asText().startsWith("shapes ");
    }

    private static double round(double v) { return Math.round(v * 10000) / 10000.0; }
}
