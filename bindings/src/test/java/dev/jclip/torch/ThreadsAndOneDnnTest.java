package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The thread setting reaches every Java thread; oneDNN's inference kernels agree with ATen's. */
class ThreadsAndOneDnnTest {
    @Test void intraOpSettingAppliesOnOtherThreads() throws Exception {
        int before = Threads.intraOp();
        try {
            Threads.setIntraOp(1);
            assertEquals(1, Threads.intraOp());
            AtomicInteger seen = new AtomicInteger();
            Thread t = new Thread(() -> {
                try (Scope s = Scope.open()) {
                    Torch.zeros(DType.F32, 2).add(1.0);      // a libtorch call applies the setting here
                    seen.set(Threads.intraOp());
                }
            });
            t.start();
            t.join();
            assertEquals(1, seen.get());
            assertThrows(IllegalArgumentException.class, () -> Threads.setIntraOp(0));
        } finally {
            Threads.setIntraOp(before);
        }
    }

    @Test void waitPolicyIsReported() {
        Threads.intraOp();
        assertTrue(!Threads.waitPolicy().isBlank());
    }

    @Test void packedLinearAndConvolutionMatchAten() {
        assumeTrue(OneDnn.available(), "libtorch without oneDNN");
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor x = Torch.randn(new long[]{2, 5, 64}, DType.F32, Device.CPU);
            Tensor w = Torch.randn(new long[]{48, 64}, DType.F32, Device.CPU);
            Tensor b = Torch.randn(new long[]{48}, DType.F32, Device.CPU);
            Tensor y = OneDnn.linear(x, OneDnn.packLinearWeight(w, null), b, OneDnn.Fuse.NONE);
            assertEquals(List.of(2L, 5L, 48L), List.of(y.size(0), y.size(1), y.size(2)));
            assertTrue(y.sub(F.linear(x, w, b)).abs().max().item() < 1e-4);

            Tensor img = Torch.randn(new long[]{2, 8, 12, 12}, DType.F32, Device.CPU);
            Tensor k = Torch.randn(new long[]{16, 8, 3, 3}, DType.F32, Device.CPU);
            Tensor kb = Torch.randn(new long[]{16}, DType.F32, Device.CPU);
            Tensor c = OneDnn.conv2d(img, OneDnn.packConv2dWeight(k, 2, 1, img.shape()), kb, 2, 1, OneDnn.Fuse.RELU);
            Tensor ref = F.conv2d(img, k, kb, 2, 1).relu();
            assertEquals(List.of(2L, 16L, 6L, 6L), List.of(c.size(0), c.size(1), c.size(2), c.size(3)));
            assertTrue(c.sub(ref).abs().max().item() < 1e-4);
        }
    }

    @Test void scalarListsAcceptOnlyNones() {
        assumeTrue(OneDnn.available(), "libtorch without oneDNN");
        try (Scope s = Scope.open()) {
            Tensor x = Torch.randn(new long[]{2, 4}, DType.F32, Device.CPU);
            Tensor w = Torch.randn(new long[]{3, 4}, DType.F32, Device.CPU);
            TorchException e = assertThrows(TorchException.class,
                    () -> Torch.call("mkldnn::_linear_pointwise", "", x, w, null, "none", List.of(1.0), null));
            assertTrue(e.getMessage().contains("Scalar?[]"), e.getMessage());
            java.util.ArrayList<Object> nones = new java.util.ArrayList<>();
            nones.add(null);
            Tensor y = (Tensor) Torch.call("mkldnn::_linear_pointwise", "", x, w, null, "none", nones, null);
            assertEquals(3, y.size(1));
        }
    }
}
