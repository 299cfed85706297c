package dev.jclip.samples.gpu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.data.DataLoader;
import dev.jclip.data.ShapesDataset;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.train.Precision;
import dev.jclip.train.Recipes;
import dev.jclip.train.TrainCheckpoint;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Training on the device: 20 steps (10 in quick mode) in fp32, bf16 and fp16 on the synthetic shapes
 * with a falling loss (mean of the last five below the first five), and a run of 2 steps, saved,
 * resumed in a fresh trainer for 2 more, equal to 4 uninterrupted steps.
 */
final class TrainCheck {
    private TrainCheck() {}

    static void run(GpuCheck.Ctx ctx, GpuCheck.Result r) throws Exception {
        int steps = ctx.quick() ? 10 : 20;
        ObjectNode runs = r.json.putObject("runs");
        for (Precision p : new Precision[]{Precision.FP32, Precision.BF16, Precision.FP16}) {
            double[] losses = train(ctx.device(), p, steps, 0, steps, null, null);
            double first = mean(losses, 0, 5), last = mean(losses, steps - 5, steps);
            ObjectNode o = runs.putObject(p.name().toLowerCase(java.util.Locale.ROOT));
            o.put("first5", first).put("last5", last);
            var arr = o.putArray("loss");
            for (double l : losses) arr.add(GpuCheck.round(l, 5));
            r.check(Double.isFinite(last) && last < first, p + ": loss falls over " + steps + " steps (" + ParityCheck.fmt(first) + " -> " + ParityCheck.fmt(last) + ")");
        }
        Path dir = Files.createTempDirectory("jclip-gpu-resume");
        float[] straight = new float[0], resumed = new float[0];
        float[][] box = new float[1][];
        train(ctx.device(), Precision.FP16, 4, 0, 4, null, box);
        straight = box[0];
        train(ctx.device(), Precision.FP16, 4, 0, 2, dir, null);   // 2 steps, saved
        train(ctx.device(), Precision.FP16, 4, -1, 4, dir, box);   // resumed, 2 more
        resumed = box[0];
        double maxDiff = 0;
        for (int i = 0; i < straight.length; i++) maxDiff = Math.max(maxDiff, Math.abs(straight[i] - resumed[i]));
        boolean exact = java.util.Arrays.equals(straight, resumed);
        r.json.put("resume_bit_exact", exact).put("resume_max_abs_diff", maxDiff);
        // The CPU kernels are deterministic; on a GPU a few backward kernels use atomics, so allow rounding there.
        r.check(exact || (ctx.device().isCuda() && maxDiff <= 1e-6), "fp16 2+2 resume vs 4 steps: " + (exact ? "bit-exact" : "max |diff| " + maxDiff));
        r.json.put("summary", "3 precisions x " + steps + " steps, resume " + (exact ? "bit-exact" : "within " + maxDiff));
    }

    /**
     * Trains the shapes model; {@code from} = 0 starts fresh, -1 resumes from {@code dir}; stops at
     * {@code until}; saves to {@code dir} when given and not resuming; returns the losses and, in
     * {@code params[0]}, the visual projection's values.
     */
    static double[] train(Device dev, Precision p, int total, int from, int until, Path dir, float[][] params) {
        ClipArchitecture a = Recipes.shapesArchitecture();
        ClipTokenizer tok = ClipTokenizer.bytesOnly();
        Function<List<String>, Tensor> tokenize = Recipes.tokenizeWith(tok, a.contextLength());
        int batch = dev.isCuda() ? 64 : 32;
        TrainConfig cfg = TrainConfig.defaults(total).withBatch(batch).withLr(2e-3).withWarmup(2).withPrecision(p).withSeed(9).withDevice(dev);
        try (ClipModel m = ClipModel.initialized(a, 9, DType.F32, dev); Trainer tr = new Trainer(m, tokenize, cfg)) {
            if (from < 0) TrainCheckpoint.resume(dir, tr);
            double[] losses = new double[until - (int) tr.step()];
            try (DataLoader dl = new DataLoader(new ShapesDataset(a.imageResolution(), ShapesDataset.Split.TRAIN, 100_000, 9),
                    new DataLoader.Options(batch, 9, 0, 1, 2, 2, tr.step())).stagingFor(dev)) {
                for (int i = 0; tr.step() < until; i++) losses[i] = tr.train(dl.next()).loss();
            }
            if (dir != null && from >= 0) TrainCheckpoint.save(dir, tr, a.toJson(), Recipes.bytesTokenizerJson(), null);
            if (params != null) {
                try (Scope s = Scope.open()) { params[0] = m.namedParameters().get("visual.proj").toFloatArray(); }
            }
            return losses;
        }
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }
}
