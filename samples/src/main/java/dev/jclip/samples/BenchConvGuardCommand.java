package dev.jclip.samples;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.LibTorch;
import dev.jclip.torch.OneDnnGuard;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code clip bench conv-guard}: what the oneDNN gradient guard costs on RN50-sized float32
 * convolutions (CLIP's ModifiedResNet-50 at 224 px). Per convolution, rounds alternate between
 * the variants: inference forward with oneDNN vs ATen's kernels (what turning oneDNN off
 * process-wide would cost, and what the guard does not cost), and forward+backward with oneDNN
 * in backward (guard off) vs without (guard on). Median ms per call and ratios.
 */
@Command(name = "conv-guard", mixinStandardHelpOptions = true,
        description = "Cost of the oneDNN gradient guard on RN50-sized float32 convolutions: forward and forward+backward, guard on vs off, side by side.")
public final class BenchConvGuardCommand implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "8", description = "Batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per variant (alternating). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--json", description = "One JSON object per line instead of the table.")
    boolean json;

    /** One convolution of ModifiedResNet-50 (name, in, out, kernel, stride, input size). */
    private record Conv(String name, int in, int out, int k, int stride, int hw) {}

    private static final Conv[] RN50 = {
            new Conv("stem conv1 3->32 3x3/2 @224", 3, 32, 3, 2, 224),
            new Conv("stem conv2 32->32 3x3 @112", 32, 32, 3, 1, 112),
            new Conv("layer1 1x1 64->64 @56", 64, 64, 1, 1, 56),
            new Conv("layer1 3x3 64->64 @56", 64, 64, 3, 1, 56),
            new Conv("layer1 1x1 64->256 @56", 64, 256, 1, 1, 56),
            new Conv("layer2 3x3 128->128 @28", 128, 128, 3, 1, 28),
            new Conv("layer3 3x3 256->256 @14", 256, 256, 3, 1, 14),
            new Conv("layer4 3x3 512->512 @7", 512, 512, 3, 1, 7),
            new Conv("tiny 4->4 3x3 @64 (affected kind)", 4, 4, 3, 1, 64),
    };

    @Override public Integer call() {
        if (batch < 1 || rounds < 1) throw new IllegalArgumentException("--batch and --rounds must be >= 1");
        LibTorch lt = LibTorch.get();
        OneDnnGuard.Status before = OneDnnGuard.status();
        if (!before.oneDnn()) throw new IllegalStateException("this libtorch has no oneDNN: nothing to compare");
        if (!json) {
            System.out.printf(Locale.ROOT, "libtorch %s (%s), %d intra-op threads, %s%n", lt.version(), lt.mode(), Torch.numThreads(), CpuInfo.describe());
            System.out.printf(Locale.ROOT, "guard here: %s%n", before.describe());
            System.out.printf(Locale.ROOT, "float32, batch %d, %d rounds, median ms per call; fwd = inference forward, f+b = forward + backward (input and weight gradients)%n", batch, rounds);
            System.out.printf(Locale.ROOT, "%-34s %10s %10s %7s %12s %12s %7s%n",
                    "convolution", "fwd onednn", "fwd aten", "ratio", "f+b onednn", "f+b guarded", "ratio");
        }
        double[] totals = new double[4];
        Torch.manualSeed(0);
        try {
            for (Conv c : RN50) {
                double[] ms = measure(c);
                if (c.in > 4) for (int i = 0; i < 4; i++) totals[i] += ms[i];
                print(c.name, ms);
            }
            print("sum of the RN50 rows", totals);
        } finally {
            OneDnnGuard.configure(before.mode());
        }
        return 0;
    }

    private void print(String name, double[] ms) {
        if (json) {
            System.out.printf(Locale.ROOT, "{\"conv\": \"%s\", \"fwd_onednn_ms\": %.4f, \"fwd_aten_ms\": %.4f, \"fwd_ratio\": %.4f, "
                    + "\"fwdbwd_onednn_ms\": %.4f, \"fwdbwd_guarded_ms\": %.4f, \"fwdbwd_ratio\": %.4f, \"batch\": %d}%n",
                    name, ms[0], ms[1], ms[1] / ms[0], ms[2], ms[3], ms[3] / ms[2], batch);
        } else {
            System.out.printf(Locale.ROOT, "%-34s %10.2f %10.2f %7.2f %12.2f %12.2f %7.2f%n", name, ms[0], ms[1], ms[1] / ms[0], ms[2], ms[3], ms[3] / ms[2]);
        }
    }

    /** {fwd oneDNN, fwd ATen, fwd+bwd guard off, fwd+bwd guard on} in ms, medians of alternating rounds. */
    private double[] measure(Conv c) {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.randn(new long[]{batch, c.in, c.hw, c.hw}, DType.F32, Device.CPU);
            Tensor w = Torch.randn(new long[]{c.out, c.in, c.k, c.k}, DType.F32, Device.CPU).mul(0.05);
            long pad = c.k / 2;
            Runnable fwd = () -> {
                try (Scope r = Scope.open(); var g = Torch.noGrad()) { F.conv2d(x, w, null, c.stride, pad); }
            };
            Runnable fwdAten = () -> {
                try (var off = OneDnnGuard.oneDnnOff()) { fwd.run(); }
            };
            Runnable train = () -> {
                try (Scope r = Scope.open()) {
                    Tensor xi = x.detach().requiresGrad(c.in > 3);
                    Tensor wi = w.detach().requiresGrad(true);
                    F.conv2d(xi, wi, null, c.stride, pad).sum().backward();
                }
            };
            Runnable[] variants = {
                    fwd, fwdAten,
                    () -> { OneDnnGuard.configure(OneDnnGuard.Mode.OFF); train.run(); },
                    () -> { OneDnnGuard.configure(OneDnnGuard.Mode.ON); train.run(); },
            };
            for (Runnable v : variants) v.run(); // warm-up: primitive creation, allocations
            double[][] t = new double[variants.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < variants.length; i++) {
                    long t0 = System.nanoTime();
                    variants[i].run();
                    t[i][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double[] out = new double[variants.length];
            for (int i = 0; i < out.length; i++) out[i] = median(t[i]);
            return out;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
