package dev.jclip.torch;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * float32 gradients equal float64 gradients (to float32 rounding) for the CPU kernels that oneDNN
 * may run: conv2d and conv_transpose2d chains with 2-16 channels at strides 1 and 2, batch norm, pooling, and matmuls
 * of odd sizes. Everything goes through the public tensor API and {@link Tensor#backward()}, so
 * this checks whichever libtorch is loaded with {@link OneDnnGuard} as configured. With
 * {@code JCLIP_ONEDNN_GUARD=off} it fails on CPUs whose oneDNN gradients are wrong (docs/bindings.md).
 */
class Float32GradientTest {
    /** float32 rounding gives ~1e-6 x max here; the oneDNN failures are 0.4-1.0 x max, or NaN. */
    static final double TOLERANCE = 1e-4;

    @TestFactory List<DynamicTest> convConvChains() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int c : new int[]{2, 3, 4, 8, 16}) {
            for (int stride : new int[]{1, 2}) {
                String name = "conv2d->conv2d " + c + " channels stride " + stride;
                // 33 px: odd, so that stride 2 leaves a remainder column
                tests.add(DynamicTest.dynamicTest(name, () -> check(name, new long[][]{{2, c, 33, 33}, {c, c, 3, 3}, {c, c, 3, 3}, {c}},
                        p -> F.conv2d(F.conv2d(p[0], p[1], p[3], stride, 1).relu(), p[2], null, stride, 1))));
            }
        }
        return tests;
    }

    @TestFactory List<DynamicTest> convTransposeChains() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int c : new int[]{2, 4, 8, 16}) {
            for (int stride : new int[]{1, 2}) {
                String name = "conv2d->conv_transpose2d " + c + " channels stride " + stride;
                tests.add(DynamicTest.dynamicTest(name, () -> check(name, new long[][]{{2, c, 18, 18}, {c, c, 3, 3}, {c, c, 3, 3}, {c}},
                        p -> F.convTranspose2d(F.conv2d(p[0], p[1], null, stride, 1).relu(), p[2], p[3], stride, 1, stride - 1, 1))));
            }
        }
        return tests;
    }

    @Test void stemWithBatchNormAndPooling() {
        check("3-channel stride-2 stem, batch norm, avg pool, 1x1 conv", new long[][]{{2, 3, 32, 32}, {2, 3, 3, 3}, {2}, {2}, {4, 2, 3, 3}, {8, 4, 1, 1}},
                p -> {
                    Tensor x = F.conv2d(p[0], p[1], null, 2, 1);
                    x = F.batchNorm(x, null, null, p[2], p[3], true, 0.1, 1e-5).relu();
                    x = F.avgPool2d(F.conv2d(x, p[4], null, 1, 1).relu(), 2, 2, 0);
                    return F.conv2d(x, p[5], null, 1, 0);
                });
    }

    @Test void groupedAndDilatedConvolutions() {
        check("grouped 3x3 (4 groups) then dilated 3x3", new long[][]{{2, 8, 20, 20}, {8, 2, 3, 3}, {4, 8, 3, 3}},
                p -> F.conv2d(F.conv2d(p[0], p[1], null, 1, 1, 1, 4), p[2], null, 2, 2, 2, 1));
    }

    @Test void pooling() {
        check("max pool 3x3/2, adaptive avg pool, avg pool", new long[][]{{2, 4, 17, 17}, {4, 4, 3, 3}},
                p -> {
                    Tensor x = F.maxPool2d(F.conv2d(p[0], p[1], null, 1, 1), 3, 2, 1);
                    return F.adaptiveAvgPool2d(x, 3, 3).add(F.avgPool2d(x, 3, 3, 0));
                });
    }

    @Test void matmulsOfOddSizes() {
        check("linear 7->13, matmul 13x5, bmm 3x(5x11)", new long[][]{{3, 5, 7}, {13, 7}, {13}, {13, 5}, {3, 5, 11}},
                p -> {
                    Tensor h = F.linear(p[0], p[1], p[2]).relu();       // [3, 5, 13]
                    Tensor m = h.matmul(p[3]);                           // [3, 5, 5]
                    return m.bmm(p[4]);                                  // [3, 5, 11]
                });
    }

    /** Gradients of sum(net(p) * r) for every p, in float32 and float64 from the same float64 data. */
    static void check(String name, long[][] shapes, Function<Tensor[], Tensor> net) {
        try (Scope s = Scope.open()) {
            Torch.manualSeed(name.hashCode());
            Tensor[] p64 = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) p64[i] = Torch.randn(shapes[i], DType.F64, Device.CPU);
            Tensor[][] grads = new Tensor[2][];
            Tensor r = null;
            for (DType dt : new DType[]{DType.F64, DType.F32}) {
                Tensor[] p = new Tensor[shapes.length];
                for (int i = 0; i < p.length; i++) p[i] = p64[i].to(dt).detach().requiresGrad(true);
                Tensor y = net.apply(p);
                if (r == null) r = Torch.randn(y.shape(), DType.F64, Device.CPU);
                y.mul(r.to(dt)).sum().backward();
                Tensor[] g = new Tensor[p.length];
                for (int i = 0; i < p.length; i++) g[i] = p[i].grad();
                grads[dt == DType.F64 ? 0 : 1] = g;
            }
            StringBuilder report = new StringBuilder();
            boolean ok = true;
            for (int i = 0; i < shapes.length; i++) {
                double diff = grads[1][i].to(DType.F64).sub(grads[0][i]).abs().max().item();
                double ref = grads[0][i].abs().max().item();
                double rel = diff / ref;
                report.append(String.format("  grad %d %s: max|diff| %.2e = %.2e x max|float64|%n", i, java.util.Arrays.toString(shapes[i]), diff, rel));
                ok &= rel <= TOLERANCE;
            }
            System.out.print(name + "\n" + report);
            assertTrue(ok, name + ": float32 gradients differ from float64 (" + OneDnnGuard.status().describe() + ")\n" + report);
        }
    }
}
