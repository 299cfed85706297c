package dev.jclip.samples.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.io.Safetensors;
import dev.jclip.io.TensorBridge;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.Cuda;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import dev.jclip.train.Precision;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jclip's half of the side-by-side with PyTorch eager ({@code scripts/gpu/torch_ref.py}): writes
 * the model's initial weights and the inputs to {@code WORK/} (the Python side loads the same
 * tensors), then measures on the device: the matmul peak per dtype (for MFU), ViT-B/32 image+text
 * inference at B=256, and full training steps (forward, loss, backward, clip, fused AdamW; fp16
 * with the loss scaler) at B=128 and 256 in bf16, fp16 and fp32. Inputs are copied from pinned host
 * memory every step, as a loader would deliver them. Writes {@code bench.json} and {@code bench-plan.json}.
 * On the CPU ({@code --device cpu}) a one-layer model at 64 px and batch 4 exercises the same code.
 */
final class BenchCheck {
    private BenchCheck() {}

    static void run(GpuCheck.Ctx ctx, GpuCheck.Result r) throws Exception {
        Device dev = ctx.device();
        boolean gpu = dev.isCuda();
        Cuda.allowTf32(false, false); // PyTorch's matmul default; torch_ref.py sets the same
        ClipArchitecture a = ClipArchitecture.released("ViT-B/32");
        // On the CPU a small CLIP (same code paths, seconds instead of minutes on a shared machine).
        if (!gpu) a = ClipArchitecture.vit(64, 32, 1, 64, 8, a.contextLength(), 512, 64, 2, 1);
        int inferBatch = gpu ? 256 : 4;
        int[] trainBatches = gpu ? (ctx.quick() ? new int[]{256} : new int[]{128, 256}) : new int[]{4};
        int iters = gpu ? (ctx.quick() ? 10 : 25) : 2, warm = gpu ? 5 : 1;
        Path work = Path.of(ctx.opt("work", ctx.out().resolve("work").toString()));
        Files.createDirectories(work);
        int maxBatch = Math.max(inferBatch, trainBatches[trainBatches.length - 1]);

        ObjectNode plan = GpuCheck.JSON.createObjectNode();
        plan.put("device", dev.toString()).put("weights", work.resolve("weights.safetensors").toString())
                .put("inputs", work.resolve("inputs.safetensors").toString()).put("iters", iters).put("warmup", warm)
                .put("infer_batch", inferBatch).put("architecture", GpuCheck.JSON.readTree(a.toJson()));
        ArrayNode tb = plan.putArray("train_batches");
        for (int b : trainBatches) tb.add(b);
        plan.put("flops_per_sample_forward", flopsPerSample(a));
        plan.put("lr", 1e-4).put("grad_clip", 1.0).put("weight_decay", 0.2);

        ArrayNode rows = r.json.putArray("rows");
        ObjectNode peak = r.json.putObject("matmul_peak_tflops");
        for (DType dt : new DType[]{DType.BF16, DType.F16, DType.F32}) peak.put(dt.torchName(), matmulPeak(dev, dt, gpu ? 8192 : 512, gpu ? 20 : 3));

        try (ClipModel m = ClipModel.initialized(a, 1234, DType.F32, Device.CPU); Scope s = Scope.open(); Arena arena = Arena.ofConfined()) {
            Torch.manualSeed(99);
            Tensor images = Torch.randn(new long[]{maxBatch, 3, a.imageResolution(), a.imageResolution()}, DType.F32, Device.CPU);
            Tensor tokens = tokens(maxBatch, a.contextLength(), a.vocabSize());
            Safetensors.write(work.resolve("weights.safetensors"), TensorBridge.toData(m.stateDict(), arena), Map.of());
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("images", images);
            in.put("tokens", tokens);
            Safetensors.write(work.resolve("inputs.safetensors"), TensorBridge.toData(in, arena), Map.of());
            Files.writeString(ctx.out().resolve("bench-plan.json"), GpuCheck.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan));
            Tensor pinnedImages = images.pinned(), pinnedTokens = tokens.pinned();

            // inference: both towers, no grad, eval mode
            try (ClipModel dm = ClipModel.fromStateDict(m.stateDict(), a)) {
                dm.to(dev).eval();
                for (Precision p : Precision.values()) {
                    Runnable step = () -> {
                        try (Scope st = Scope.open(); var g = Torch.noGrad(); Precision.Region reg = p.autocast(dev)) {
                            Tensor x = pinnedImages.narrow(0, 0, inferBatch).toNonBlocking(dev);
                            Tensor t = pinnedTokens.narrow(0, 0, inferBatch).toNonBlocking(dev);
                            dm.encodeImage(x);
                            dm.encodeText(t);
                        }
                    };
                    rows.add(measure("inference", p, inferBatch, dev, step, warm, iters, flopsPerSample(a) * inferBatch, peak));
                }
            }
            // training: a fresh copy of the same initial weights per configuration
            for (int b : trainBatches) {
                for (Precision p : new Precision[]{Precision.BF16, Precision.FP16, Precision.FP32}) {
                    try (ClipModel tm = ClipModel.fromStateDict(m.stateDict(), a)) {
                        tm.to(dev);
                        TrainConfig cfg = TrainConfig.defaults(1_000_000).withBatch(b).withLr(1e-4).withWarmup(0).withGradClip(1.0)
                                .withPrecision(p).withSeed(1).withDevice(dev);
                        try (Trainer tr = new Trainer(tm, captions -> { throw new IllegalStateException("the benchmark feeds token ids"); }, cfg)) {
                            double[] firstLoss = {Double.NaN};
                            Runnable step = () -> {
                                try (Scope st = Scope.open()) {
                                    Tensor x = pinnedImages.narrow(0, 0, b).toNonBlocking(dev);
                                    Tensor t = pinnedTokens.narrow(0, 0, b).toNonBlocking(dev);
                                    boolean first = tr.step() == 0;
                                    Trainer.StepResult res = tr.train(x, t, first);
                                    if (first) firstLoss[0] = res.loss();
                                }
                            };
                            ObjectNode row = measure("train", p, b, dev, step, warm, iters, 3.0 * flopsPerSample(a) * b, peak);
                            row.put("first_step_loss", firstLoss[0]);
                            rows.add(row);
                        }
                    }
                }
            }
        }
        r.check(rows.size() > 0, rows.size() + " jclip measurements on " + dev);
        r.json.put("summary", "jclip: " + rows.size() + " configurations measured on " + dev + " (see report for the PyTorch side)");
    }

    /** Times {@code iters} calls after {@code warm}, the queue drained around; device memory sampled after each. */
    private static ObjectNode measure(String what, Precision p, int batch, Device dev, Runnable step, int warm, int iters, double flops,
                                      ObjectNode peak) {
        for (int i = 0; i < warm; i++) step.run();
        long maxUsed = 0;
        double total = 0;
        for (int i = 0; i < iters; i++) {
            total += GpuCheck.timedMs(dev, step);
            if (dev.isCuda()) maxUsed = Math.max(maxUsed, Cuda.memInfo(dev.index()).usedBytes());
        }
        double ms = total / iters;
        String dt = p == Precision.FP32 ? "float32" : p.autocastType().torchName();
        double tflops = flops / (ms / 1e3) / 1e12;
        double pk = peak.get(dt).asDouble();
        ObjectNode row = GpuCheck.JSON.createObjectNode();
        row.put("workload", what).put("precision", p.name().toLowerCase(java.util.Locale.ROOT)).put("batch", batch)
                .put("ms_per_step", GpuCheck.round(ms, 3)).put("samples_per_s", GpuCheck.round(batch / (ms / 1e3), 1))
                .put("tflops", sig(tflops)).put("mfu", pk > 0 ? sig(tflops / pk) : Double.NaN);
        if (dev.isCuda()) row.put("device_mem_used_gib", GpuCheck.round(maxUsed / (double) (1L << 30), 2));
        System.out.printf("jclip %-9s %-4s B=%-3d %9.2f ms/step %9.1f samples/s  MFU %.3g%n", what, p, batch, ms, batch / (ms / 1e3), pk > 0 ? tflops / pk : Double.NaN);
        return row;
    }

    /** Three significant digits. */
    static double sig(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }

    /** Dense matmul throughput in TFLOP/s: {@code n x n} times {@code n x n}, {@code iters} times. */
    static double matmulPeak(Device dev, DType dt, int n, int iters) {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.randn(new long[]{n, n}, DType.F32, dev).to(dt), b = Torch.randn(new long[]{n, n}, DType.F32, dev).to(dt);
            for (int i = 0; i < 3; i++) a.mm(b).close();
            double ms = GpuCheck.timedMs(dev, () -> { for (int i = 0; i < iters; i++) a.mm(b).close(); });
            double tf = 2.0 * n * n * (double) n * iters / (ms / 1e3) / 1e12;
            System.out.printf("matmul peak %s: %.3g TFLOP/s (%d^3 x %d)%n", dt.torchName(), tf, n, iters);
            return sig(tf);
        }
    }

    /**
     * Forward FLOPs per sample of a ViT CLIP (both towers): 2 x multiply-adds of the patch
     * convolution, per layer 24 L W^2 + 4 L^2 W (qkv, out, MLP x4; scores and weighted sum), the
     * projections. Training is counted as 3x forward.
     */
    static double flopsPerSample(ClipArchitecture a) {
        long p = a.visionPatchSize(), g = a.imageResolution() / p, lv = g * g + 1, w = a.visionWidth(), e = a.embedDim();
        double vision = 2.0 * 3 * p * p * w * g * g + a.visionLayers()[0] * (24.0 * lv * w * w + 4.0 * lv * lv * w) + 2.0 * w * e;
        long lt = a.contextLength(), wt = a.transformerWidth();
        double text = a.transformerLayers() * (24.0 * lt * wt * wt + 4.0 * lt * lt * wt) + 2.0 * wt * e;
        return vision + text;
    }

    /**
     * Deterministic token ids {@code [n, ctx]} (int64), the same in torch_ref.py's fallback: start
     * token, a varying number of ids, the end token (the largest id: the text tower pools at its argmax), zeros.
     */
    static Tensor tokens(int n, int ctx, int vocab) {
        long[] t = new long[n * ctx];
        for (int i = 0; i < n; i++) {
            int len = 5 + (i * 13) % (ctx - 6);
            t[i * ctx] = vocab - 2;
            for (int j = 1; j < len; j++) t[i * ctx + j] = 1 + (i * 31L + j * 7L) % (vocab - 3);
            t[i * ctx + len] = vocab - 1;
        }
        return Torch.of(t, n, ctx);
    }
}
