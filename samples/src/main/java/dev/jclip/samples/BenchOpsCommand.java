package dev.jclip.samples;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.JniBridge;
import dev.jclip.torch.LibTorch;
import dev.jclip.torch.Ops;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code clip bench ops}: the FFM path against Bytedeco's JNI on the same libtorch, measured side
 * by side (rounds alternate between the two) for a tiny, a mid and a large op; median µs per op
 * and the JNI/FFM ratio. {@code --soak N} also runs N small ops in scopes and prints resident memory.
 */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = "Per-op cost: FFM (torch_call_dispatcher) vs Bytedeco JNI on the same libtorch.")
public final class BenchOpsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON object per line: {\"op\", \"ffm_us\", \"jni_us\", \"ratio\"}.")
    boolean json;

    @Option(names = "--rounds", defaultValue = "15", description = "Measured rounds per op (each FFM then JNI). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--soak", defaultValue = "0", description = "Also run this many small ops in scopes and report resident memory.")
    long soak;

    private record Case(String name, long opsPerRound, Runnable ffm, Runnable jni) {}

    @Override public Integer call() {
        LibTorch lt = LibTorch.get();
        if (!lt.hasJni()) throw new IllegalStateException("bench ops compares with Bytedeco's JNI, which needs embedded mode (unset JCLIP_LIBTORCH)");
        Torch.manualSeed(0);
        Tensor a8 = Torch.randn(new long[]{8}, DType.F32, Device.CPU).keep();
        Tensor b8 = Torch.randn(new long[]{8}, DType.F32, Device.CPU).keep();
        Tensor x = Torch.randn(new long[]{8, 64}, DType.F32, Device.CPU).keep();
        Tensor w = Torch.randn(new long[]{64, 64}, DType.F32, Device.CPU).keep();
        Tensor bias = Torch.randn(new long[]{64}, DType.F32, Device.CPU).keep();
        Tensor m1 = Torch.randn(new long[]{1024, 1024}, DType.F32, Device.CPU).keep();
        Tensor m2 = Torch.randn(new long[]{1024, 1024}, DType.F32, Device.CPU).keep();
        var ja8 = JniBridge.view(a8); var jb8 = JniBridge.view(b8);
        var jx = JniBridge.view(x); var jw = JniBridge.view(w); var jbias = JniBridge.view(bias);
        var jm1 = JniBridge.view(m1); var jm2 = JniBridge.view(m2);

        Case[] cases = {
                new Case("mul 8 floats", 20_000,
                        () -> Ops.mul(a8, b8),
                        () -> org.bytedeco.pytorch.global.torch.mul(ja8, jb8).close()),
                new Case("linear 8x64 @ 64x64", 5_000,
                        () -> F.linear(x, w, bias),
                        () -> org.bytedeco.pytorch.global.torch.linear(jx, jw, jbias).close()),
                new Case("matmul 1024x1024", 3,
                        () -> m1.matmul(m2),
                        () -> org.bytedeco.pytorch.global.torch.matmul(jm1, jm2).close()),
        };
        if (!json) {
            System.out.printf(Locale.ROOT, "libtorch %s (%s), %d intra-op threads, %d rounds, median µs per op%n",
                    lt.version(), lt.mode(), Torch.numThreads(), rounds);
            System.out.printf(Locale.ROOT, "%-22s %12s %12s %10s%n", "op", "ffm_us", "jni_us", "jni/ffm");
        }
        for (Case c : cases) {
            // warm-up both paths
            time(c.ffm, c.opsPerRound, true);
            time(c.jni, c.opsPerRound, false);
            double[] f = new double[rounds], j = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                f[r] = time(c.ffm, c.opsPerRound, true);
                j[r] = time(c.jni, c.opsPerRound, false);
            }
            double fm = median(f), jm = median(j);
            if (json) {
                System.out.printf(Locale.ROOT, "{\"op\": \"%s\", \"ffm_us\": %.4f, \"jni_us\": %.4f, \"ratio\": %.4f}%n", c.name, fm, jm, jm / fm);
            } else {
                System.out.printf(Locale.ROOT, "%-22s %12.3f %12.3f %10.2f%n", c.name, fm, jm, jm / fm);
            }
        }
        if (soak > 0) soak(a8, b8);
        for (Tensor t : new Tensor[]{a8, b8, x, w, bias, m1, m2}) t.close();
        return 0;
    }

    /** µs per op over one round; FFM results are freed by a scope per round (the intended usage). */
    private static double time(Runnable op, long n, boolean scoped) {
        long t0;
        if (scoped) {
            try (Scope s = Scope.open()) {
                t0 = System.nanoTime();
                for (long i = 0; i < n; i++) op.run();
                return (System.nanoTime() - t0) / 1e3 / n;
            }
        }
        t0 = System.nanoTime();
        for (long i = 0; i < n; i++) op.run();
        return (System.nanoTime() - t0) / 1e3 / n;
    }

    private void soak(Tensor a, Tensor b) {
        long step = Math.max(1, soak / 10);
        long start = Rss.kb();
        System.out.printf(Locale.ROOT, "soak: %d small ops in scopes of 1000 (each a mul and an add); RSS before %d KiB "
                + "(run with JCLIP_JAVA_OPTS='-Xms256m -Xmx256m' to keep the Java heap from growing into RSS)%n", soak, start);
        long done = 0;
        while (done < soak) {
            try (Scope s = Scope.open()) {
                for (int i = 0; i < 1000 && done < soak; i++, done++) a.mul(b).add(1.0);
            }
            if (done % step == 0) {
                Runtime rt = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "  %,12d ops  RSS %d KiB  (Java heap committed %d KiB)  live tensors %d%n",
                        done, Rss.kb(), rt.totalMemory() / 1024, Tensor.liveCount());
            }
        }
        System.out.printf(Locale.ROOT, "soak: RSS after %d KiB (%+d KiB)%n", Rss.kb(), Rss.kb() - start);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

}
