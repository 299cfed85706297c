package dev.jclip.samples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.OneDnn;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Threads;
import dev.jclip.torch.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code clip bench infer}: jclip against ONNX Runtime Java on the same weights, side by side in
 * one run. For each model (random weights with the released architecture, float32) the image and
 * text towers are exported to ONNX from jclip's own state dict ({@link OnnxClipGraphs}); each row
 * (model, tower, batch, threads) alternates the systems over several rounds and reports the
 * median items per second and the ratio jclip / ONNX Runtime, after checking that both produce
 * the same features. The table also gives the ratio of items per CPU-second (the process's CPU
 * time), steadier than wall time when other processes share the cores. {@code --aten} adds jclip with oneDNN switched off (plain ATen kernels:
 * what jclip ran before the inference kernels) as a third system in the same rounds.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Inference throughput, jclip vs ONNX Runtime Java on the same weights (images or texts per second, ratio).")
public final class BenchInferCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "ViT-B/32,RN50",
            description = "Released architectures (random weights). Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--towers", split = ",", defaultValue = "image,text", description = "image and/or text. Default: ${DEFAULT-VALUE}.")
    List<String> towers;

    @Option(names = "--batches", split = ",", defaultValue = "1,32", description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(names = "--thread-counts", split = ",", defaultValue = "1,2",
            description = "Intra-op thread counts, for both systems. Default: ${DEFAULT-VALUE}.")
    List<Integer> threadCounts;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per row (the systems alternate in each). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--min-round-ms", defaultValue = "1500",
            description = "Each system repeats its forward pass for at least this long per round. Default: ${DEFAULT-VALUE}.")
    long minRoundMs;

    @Option(names = "--aten", description = "Also measure jclip with oneDNN off (plain ATen kernels, as before the inference kernels).")
    boolean aten;

    @Option(names = "--json", description = "One JSON object per line: {\"model\", \"tower\", \"batch\", \"threads\", \"jclip_per_s\", \"ort_per_s\", \"ratio\"}.")
    boolean json;

    private interface Runner extends AutoCloseable {
        void run() throws Exception;
        @Override default void close() throws Exception {}
    }

    @Override public Integer call() throws Exception {
        for (String t : towers) if (!t.equals("image") && !t.equals("text")) throw new IllegalArgumentException("--towers: unknown tower '" + t + "' (image, text)");
        for (int b : batches) if (b < 1) throw new IllegalArgumentException("--batches: batch must be >= 1, got " + b);
        for (int t : threadCounts) if (t < 1) throw new IllegalArgumentException("--thread-counts: must be >= 1, got " + t);
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1");
        if (aten && !OneDnn.available()) throw new IllegalStateException("--aten compares with oneDNN, which this libtorch lacks");
        boolean oneDnnWas = OneDnn.enabled();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path dir = Files.createTempDirectory("jclip-bench-infer");
        if (!json) {
            System.out.printf(Locale.ROOT, "jclip vs ONNX Runtime %s, float32, random weights; %d rounds x >= %d ms per system, medians; load %s%n",
                    env.getVersion(), rounds, minRoundMs, loadAverage());
            System.out.printf(Locale.ROOT, "%-9s %-6s %5s %7s %12s %s%12s %8s %10s %11s%n", "model", "tower", "batch", "threads", "jclip /s",
                    aten ? String.format(Locale.ROOT, "%14s ", "jclip-aten /s") : "", "ORT /s", "ratio", "cpu ratio", "max diff");
        }
        try (var g = Torch.noGrad()) {
            for (String name : models) {
                ClipArchitecture arch = ClipArchitecture.released(name);
                try (ClipModel model = ClipModel.initialized(arch, 0, DType.F32, Device.CPU)) {
                    for (String tower : towers) {
                        Path onnx = dir.resolve(name.replace('/', '-') + "-" + tower + ".onnx");
                        if (!json) System.err.println("exporting " + name + " " + tower + " tower to ONNX ...");
                        if (tower.equals("image")) OnnxClipGraphs.image(model, onnx); else OnnxClipGraphs.text(model, onnx);
                        Map<Integer, OrtSession> sessions = new LinkedHashMap<>();
                        try {
                            for (int threads : threadCounts) {
                                OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                                o.setIntraOpNumThreads(threads);
                                o.setInterOpNumThreads(1);
                                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                                o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                                sessions.put(threads, env.createSession(onnx.toString(), o));
                            }
                            for (int batch : batches) {
                                for (int threads : threadCounts) {
                                    row(env, model, arch, name, tower, batch, threads, sessions.get(threads), oneDnnWas);
                                }
                            }
                        } finally {
                            for (OrtSession s : sessions.values()) s.close();
                            Files.deleteIfExists(onnx);
                        }
                    }
                }
            }
        } finally {
            OneDnn.setEnabled(oneDnnWas);
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    private void row(OrtEnvironment env, ClipModel model, ClipArchitecture arch, String name, String tower, int batch, int threads,
                     OrtSession session, boolean oneDnn) throws Exception {
        Threads.setIntraOp(threads);
        boolean image = tower.equals("image");
        int r = arch.imageResolution(), ctx = arch.contextLength();
        Random rnd = new Random(batch * 31L + threads);
        Tensor input;
        OnnxTensor ortInput;
        if (image) {
            float[] px = new float[batch * 3 * r * r];
            for (int i = 0; i < px.length; i++) px[i] = (float) rnd.nextGaussian();
            input = Torch.of(px, batch, 3, r, r).keep();
            ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(px), new long[]{batch, 3, r, r});
        } else {
            long[] ids = new long[batch * ctx];
            for (int b = 0; b < batch; b++) {
                int len = 2 + rnd.nextInt(ctx - 2);         // SOT, words, EOT, then padding
                ids[b * ctx] = 49406;
                for (int i = 1; i < len - 1; i++) ids[b * ctx + i] = 1 + rnd.nextInt(49405);
                ids[b * ctx + len - 1] = 49407;
            }
            input = Torch.of(ids, batch, ctx).keep();
            ortInput = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{batch, ctx});
        }
        String inputName = image ? "images" : "tokens";
        try (ortInput; input) {
            List<Runner> systems = new ArrayList<>();
            float[][] features = new float[3][];
            systems.add(jclip(model, input, image, oneDnn, features, 0));
            systems.add(() -> {
                try (OrtSession.Result res = session.run(Map.of(inputName, ortInput))) {
                    features[1] = flatten((float[][]) res.get(0).getValue());
                }
            });
            if (aten) systems.add(jclip(model, input, image, false, features, 2));
            for (Runner s : systems) s.run();                    // warm-up: packs weights, plans kernels
            double diff = maxDiff(features[0], features[1]);
            double scale = maxAbs(features[1]);
            double[][] perS = new double[systems.size()][rounds], perCpuS = new double[systems.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < systems.size(); k++) {
                    int which = (k + round) % systems.size();   // alternate who goes first
                    double[] m = measure(systems.get(which), batch);
                    perS[which][round] = m[0];
                    perCpuS[which][round] = m[1];
                }
            }
            double jclip = median(perS[0]), ort = median(perS[1]), ratio = jclip / ort;
            double cpuRatio = median(perCpuS[0]) / median(perCpuS[1]);
            String modelName = name.replace('/', '-');
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("model", modelName);
                o.put("tower", tower);
                o.put("batch", batch);
                o.put("threads", threads);
                o.put("jclip_per_s", round3(jclip));
                o.put("ort_per_s", round3(ort));
                o.put("ratio", round3(ratio));
                System.out.println(Json.string(o));
                System.err.printf(Locale.ROOT, "%s %s batch %d threads %d: max |jclip - ORT| %.2e (max |feature| %.3g), cpu ratio %.2f%s%n",
                        modelName, tower, batch, threads, diff, scale, cpuRatio, aten ? String.format(Locale.ROOT, "; jclip-aten %.2f /s", median(perS[2])) : "");
            } else {
                System.out.printf(Locale.ROOT, "%-9s %-6s %5d %7d %12.2f %s%12.2f %7.2fx %9.2fx %11.2e%n", modelName, tower, batch, threads, jclip,
                        aten ? String.format(Locale.ROOT, "%14.2f ", median(perS[2])) : "", ort, ratio, cpuRatio, diff);
            }
            System.out.flush();
        }
    }

    private Runner jclip(ClipModel model, Tensor input, boolean image, boolean oneDnn, float[][] features, int slot) {
        return () -> {
            OneDnn.setEnabled(oneDnn);
            try (Scope s = Scope.open()) {
                Tensor f = image ? model.encodeImage(input) : model.encodeText(input);
                if (features[slot] == null) features[slot] = f.toFloatArray();
            }
        };
    }

    /**
     * Items per second of wall time and per second of this process's CPU time, over repeated
     * calls lasting at least {@code minRoundMs}. On a shared machine the second is the steadier
     * measure of work done (it includes threads spinning while idle).
     */
    private double[] measure(Runner r, int batch) throws Exception {
        long cpu0 = CPU.getProcessCpuTime(), start = System.nanoTime(), deadline = start + minRoundMs * 1_000_000L;
        int calls = 0;
        do { r.run(); calls++; } while (System.nanoTime() < deadline);
        double wall = (System.nanoTime() - start) / 1e9, cpu = (CPU.getProcessCpuTime() - cpu0) / 1e9;
        return new double[]{calls * batch / wall, calls * batch / Math.max(cpu, 1e-9)};
    }

    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static float[] flatten(float[][] a) {
        int n = 0;
        for (float[] row : a) n += row.length;
        float[] out = new float[n];
        int i = 0;
        for (float[] row : a) { System.arraycopy(row, 0, out, i, row.length); i += row.length; }
        return out;
    }

    private static double maxDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalStateException("jclip and ONNX Runtime features differ in size: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double round3(double v) { return Math.round(v * 1000) / 1000.0; }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
