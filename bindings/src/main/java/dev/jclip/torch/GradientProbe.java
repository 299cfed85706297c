package dev.jclip.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A small self-test: float32 gradients of the networks that oneDNN gets wrong on some CPUs,
 * compared with float64 gradients of the same network on the same data. It runs on a fresh
 * thread (default grad mode, no autocast, no scope of the caller) with its own random numbers
 * (the user's generator is not touched) and takes a few milliseconds.
 *
 * <p>The networks: conv2d -> conv2d (3x3, padding 1) with 2, 4 and 8 channels at strides 1 and
 * 2, the shape of the reported failure, and the same with a transposed convolution second; and a tiny ModifiedResNet stem and bottleneck (3 -> 2
 * channel stride-2 stem, batch norm in training mode, ReLU, average pooling, 1x1 convolutions and
 * a downsample branch), the layers of the test model whose float32 gradients were wrong.
 */
final class GradientProbe {
    /** float32 vs float64 relative error above which a gradient is wrong (right ones are ~1e-6). */
    static final double TOLERANCE = 1e-3;

    /** The worst case of one probe run. */
    record Result(double worstError, String worstCase, int cases) {
        boolean wrong() { return !(worstError <= TOLERANCE); }

        String describe() {
            return String.format("%s %.2e x max|float64| at %s (%d gradients, tolerance %.0e)",
                    wrong() ? "wrong:" : "right:", worstError, worstCase, cases, TOLERANCE);
        }
    }

    private GradientProbe() {}

    /** Runs the probe with backward as it is configured now (guard state included). */
    static Result run() {
        Result[] out = new Result[1];
        RuntimeException[] err = new RuntimeException[1];
        Thread t = Thread.ofPlatform().name("jclip-gradient-probe").unstarted(() -> {
            try { out[0] = runHere(); } catch (RuntimeException e) { err[0] = e; }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorchException("gradient probe interrupted");
        }
        if (err[0] != null) throw new TorchException("gradient probe failed: " + err[0].getMessage(), err[0]);
        return out[0];
    }

    private static Result runHere() {
        List<Result> results = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(20261129L);
        for (int c : new int[]{2, 4, 8}) {
            for (int stride : new int[]{1, 2}) {
                final int s = stride;
                long[][] shapes = {{2, c, 16, 16}, {c, c, 3, 3}, {c, c, 3, 3}};
                results.add(compare("conv2d->conv2d " + c + " channels stride " + s, shapes, rnd,
                        p -> F.conv2d(F.conv2d(p[0], p[1], null, s, 1), p[2], null, s, 1)));
                results.add(compare("conv2d->conv_transpose2d " + c + " channels stride " + s, shapes, rnd,
                        p -> F.convTranspose2d(F.conv2d(p[0], p[1], null, s, 1), p[2], null, s, 1, s - 1, 1)));
            }
        }
        long[][] stem = {{2, 3, 32, 32}, {2, 3, 3, 3}, {2, 2, 3, 3}, {4, 2, 3, 3}, {4, 4, 1, 1}, {4, 4, 3, 3},
                {16, 4, 1, 1}, {16, 4, 1, 1}};
        results.add(compare("ResNet stem + bottleneck (2-16 channels)", stem, rnd, GradientProbe::resnet));
        Result worst = results.get(0);
        int cases = 0;
        for (Result r : results) {
            cases += r.cases();
            if (!(r.worstError() <= worst.worstError())) worst = r;
        }
        return new Result(worst.worstError(), worst.worstCase(), cases);
    }

    /** conv1..3 stem with batch norm, avg pool, then a Bottleneck with a downsample branch. */
    private static Tensor resnet(Tensor[] p) {
        Tensor x = bnRelu(F.conv2d(p[0], p[1], null, 2, 1));
        x = bnRelu(F.conv2d(x, p[2], null, 1, 1));
        x = bnRelu(F.conv2d(x, p[3], null, 1, 1));
        x = F.avgPool2d(x, 2, 2, 0);
        Tensor identity = x;
        Tensor out = bnRelu(F.conv2d(x, p[4], null, 1, 0));
        out = bnRelu(F.conv2d(out, p[5], null, 1, 1));
        out = F.avgPool2d(out, 2, 2, 0);
        out = F.conv2d(out, p[6], null, 1, 0);
        Tensor down = F.conv2d(F.avgPool2d(identity, 2, 2, 0), p[7], null, 1, 0);
        return out.add(down).relu();
    }

    private static Tensor bnRelu(Tensor x) {
        return F.batchNorm(x, null, null, null, null, true, 0.1, 1e-5).relu();
    }

    /** Gradients of sum(net(params) * r) for every parameter, float32 against float64. */
    private static Result compare(String name, long[][] shapes, SplittableRandom rnd, Function<Tensor[], Tensor> net) {
        try (Scope s = Scope.open()) {
            Tensor[] p64 = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) p64[i] = random(shapes[i], rnd);
            Tensor[][] grads = new Tensor[2][];
            Tensor weight64 = null;
            for (DType dt : new DType[]{DType.F64, DType.F32}) {
                Tensor[] p = new Tensor[shapes.length];
                for (int i = 0; i < p.length; i++) p[i] = p64[i].to(dt).detach().requiresGrad(true);
                Tensor y = net.apply(p);
                if (weight64 == null) weight64 = random(y.shape(), rnd);
                Tensor loss = y.mul(weight64.to(dt)).sum();
                Ops.backward(loss, new Tensor[0], null, false, false);
                Tensor[] g = new Tensor[p.length];
                for (int i = 0; i < p.length; i++) g[i] = p[i].grad();
                grads[dt == DType.F64 ? 0 : 1] = g;
            }
            double worst = 0;
            String where = name;
            for (int i = 0; i < shapes.length; i++) {
                double e = relativeError(grads[1][i], grads[0][i]);
                if (!(e <= worst)) {
                    worst = e;
                    where = name + ", gradient of " + (i == 0 ? "the input" : "weight " + i);
                }
            }
            return new Result(worst, where, shapes.length);
        }
    }

    /** max|a - b| / max|b|; NaN or infinite when {@code a} is not finite. */
    static double relativeError(Tensor a32, Tensor b64) {
        double diff = a32.to(DType.F64).sub(b64).abs().max().item();
        double ref = b64.abs().max().item();
        return diff / ref;
    }

    private static Tensor random(long[] shape, SplittableRandom rnd) {
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextDouble(-1, 1);
        return Torch.of(v, shape);
    }
}
