package dev.jclip.samples.gpu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.torch.Cuda;
import dev.jclip.torch.Device;
import dev.jclip.torch.LibTorch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The Java side of {@code scripts/gpu-check}: one phase per run, each writing {@code OUT/<phase>.json}
 * ({@code status} pass / fail / skip, a {@code summary} line, figures) for the script's report.
 *
 * <pre>
 * java -cp ... dev.jclip.samples.gpu.GpuCheck parity --device cuda --out $OUT [--quick]
 * </pre>
 *
 * Phases: {@code parity} (ops and a ViT-B/32, device vs CPU), {@code train} (20 steps per precision,
 * resume), {@code nccl} (one rank), {@code bench} (jclip's half of the side-by-side with PyTorch),
 * {@code schemas} (a dump vs native/ops/ops.tsv). With {@code --device cpu} every phase that needs no
 * GPU runs on the CPU (the device under test is then the CPU itself: the harness is exercised).
 */
public final class GpuCheck {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What a phase gets: the device under test, the output folder, quick mode, extra arguments. */
    record Ctx(Device device, Path out, boolean quick, Path root, java.util.Map<String, String> opts) {
        String opt(String k, String dflt) { return opts.getOrDefault(k, dflt); }
    }

    /** A phase's verdict. */
    static final class Result {
        final ObjectNode json = JSON.createObjectNode();
        boolean failed;
        Result(String phase) { json.put("phase", phase); }
        Result fail(String why) { failed = true; json.withArray("failures").add(why); System.out.println("FAIL " + why); return this; }
        Result check(boolean ok, String what) { if (!ok) fail(what); else System.out.println("ok   " + what); return this; }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: GpuCheck parity|train|nccl|bench|schemas --device cpu|cuda --out DIR [--quick] [--root DIR] [--key value ...]");
            System.exit(2);
        }
        String phase = args[0];
        java.util.Map<String, String> opts = new java.util.LinkedHashMap<>();
        boolean quick = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--quick")) { quick = true; continue; }
            if (!args[i].startsWith("--") || i + 1 >= args.length) { System.err.println("bad argument '" + args[i] + "'"); System.exit(2); }
            opts.put(args[i].substring(2), args[++i]);
        }
        Path out = Path.of(opts.getOrDefault("out", "gpu-check-out"));
        Files.createDirectories(out);
        Device device = Device.parse(opts.getOrDefault("device", "cuda"));
        Result r = new Result(phase);
        r.json.put("device", device.toString());
        r.json.put("libtorch", LibTorch.get().version() + " (" + LibTorch.get().mode().name().toLowerCase(Locale.ROOT) + ", " + LibTorch.get().directory() + ")");
        long t0 = System.nanoTime();
        try {
            if (device.isCuda() && !Cuda.isAvailable()) {
                r.fail("no CUDA device visible to libtorch at " + LibTorch.get().directory() + " (CPU build: " + !LibTorch.get().isCudaBuild() + ")");
            } else {
                if (device.isCuda()) Cuda.setDevice(device.index());
                Ctx ctx = new Ctx(device, out, quick, Path.of(opts.getOrDefault("root", ".")), opts);
                switch (phase) {
                    case "parity" -> ParityCheck.run(ctx, r);
                    case "train" -> TrainCheck.run(ctx, r);
                    case "nccl" -> NcclCheck.run(ctx, r);
                    case "bench" -> BenchCheck.run(ctx, r);
                    case "schemas" -> SchemaPhase.run(ctx, r);
                    default -> r.fail("unknown phase '" + phase + "'");
                }
            }
        } catch (Throwable t) {
            r.fail(phase + " threw " + t);
            t.printStackTrace(System.out);
        }
        if (!r.json.has("status")) r.json.put("status", r.failed ? "fail" : "pass");
        r.json.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        Files.writeString(out.resolve(phase + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.json));
        System.out.println(phase + ": " + r.json.get("status").asText() + (r.json.has("summary") ? " - " + r.json.get("summary").asText() : ""));
        System.exit(r.failed ? 1 : 0);
    }

    /** Wall time of {@code body} in ms, the GPU's queue drained before and after (GPU work is asynchronous). */
    static double timedMs(Device d, Runnable body) {
        Cuda.synchronize(d);
        long t = System.nanoTime();
        body.run();
        Cuda.synchronize(d);
        return (System.nanoTime() - t) / 1e6;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
