package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TensorBasicsTest {
    @Test void fromArrayAndBack() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
            assertArrayEquals(new long[]{2, 3}, a.shape());
            assertArrayEquals(new long[]{3, 1}, a.strides());
            assertEquals(DType.F32, a.dtype());
            assertEquals(Device.CPU, a.device());
            assertEquals(6, a.numel());
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, a.toFloatArray());
            assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, a.t().toFloatArray());
        }
    }

    @Test void arithmeticWithTensorsAndNumbers() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.of(new float[]{1, 2, 3}, 3);
            Tensor b = Torch.of(new float[]{10, 20, 30}, 3);
            assertArrayEquals(new float[]{11, 22, 33}, a.add(b).toFloatArray());
            assertArrayEquals(new float[]{-9, -18, -27}, a.sub(b).toFloatArray());
            assertArrayEquals(new float[]{21, 42, 63}, a.add(b, 2.0).toFloatArray());
            assertArrayEquals(new float[]{10, 40, 90}, a.mul(b).toFloatArray());
            assertArrayEquals(new float[]{2, 3, 4}, a.add(1.0).toFloatArray());
            assertArrayEquals(new float[]{0.5f, 1, 1.5f}, a.div(2.0).toFloatArray());
            assertEquals(DType.F32, a.mul(2.5).dtype());
            assertEquals(6.0, a.sum().item(), 0);
            Tensor i = Torch.of(new long[]{1, 2, 3}, 3);
            assertEquals(DType.I64, i.mul(2).dtype());
            assertEquals(DType.F32, i.mul(2.5).dtype());
            // integral add/sub (libtorch refuses a double alpha for integer tensors; jclip sums exactly)
            assertArrayEquals(new long[]{2, 3, 4}, i.add(1.0).toLongArray());
            assertArrayEquals(new long[]{0, 1, 2}, i.sub(1.0).toLongArray());
            assertArrayEquals(new long[]{3, 6, 9}, i.add(Torch.of(new long[]{1, 2, 3}, 3), 2.0).toLongArray());
            assertEquals(DType.I64, i.add(Torch.of(new int[]{1, 1, 1}, 3)).dtype());
            assertArrayEquals(new long[]{Long.MAX_VALUE}, Torch.of(new long[]{Long.MAX_VALUE - 1}, 1).add(1.0).toLongArray());
            assertEquals(DType.F32, i.add(0.5).dtype());
            // a Java number with a 0-dim tensor keeps the tensor's dtype, as a Python number does
            Tensor z = Torch.of(new float[]{3}, 1).squeeze();
            assertEquals(0, z.dim());
            assertEquals(DType.F32, z.mul(0.5).dtype());
            assertEquals(DType.F32, z.add(0.5).dtype());
            assertEquals(1.5, z.mul(0.5).item(), 0);
            assertEquals(DType.BF16, z.to(DType.BF16).div(2.0).dtype());
        }
    }

    @Test void matmulSoftmaxReductions() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.of(new float[]{1, 2, 3, 4}, 2, 2);
            assertArrayEquals(new float[]{7, 10, 15, 22}, a.matmul(a).toFloatArray());
            float[] sm = a.softmax(-1).toFloatArray();
            assertEquals(1.0, sm[0] + sm[1], 1e-6);
            Tensor[] mx = a.max(1, false);
            assertArrayEquals(new float[]{2, 4}, mx[0].toFloatArray());
            assertArrayEquals(new long[]{1, 1}, mx[1].toLongArray());
            assertArrayEquals(new long[]{1, 1}, a.argmax(1, false).toLongArray());
            Tensor cat = Torch.cat(List.of(a, a), 0);
            assertArrayEquals(new long[]{4, 2}, cat.shape());
            assertArrayEquals(new long[]{2, 2, 2}, Torch.stack(List.of(a, a), 0).shape());
        }
    }

    @Test void autogradGradient() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.of(new float[]{1, 2, 3, 4}, 2, 2);
            Tensor w = Torch.of(new float[]{0.5f, -1, 2, 3}, 2, 2).requiresGrad(true);
            assertTrue(w.requiresGrad());
            x.matmul(w).sum().backward();
            Tensor g = w.grad();
            assertNotNull(g);
            // d/dw sum(x @ w) = x^T @ ones
            assertArrayEquals(new float[]{4, 4, 6, 6}, g.toFloatArray());
            w.setGrad(null);
            assertNull(w.grad());
        }
    }

    @Test void scopesFreeTemporaries() {
        long before = Tensor.liveCount();
        Tensor kept;
        try (Scope s = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 3);
            Tensor b = a.add(a).mul(a);
            kept = s.keep(b.add(1.0));
        }
        assertEquals(before + 1, Tensor.liveCount());
        assertArrayEquals(new float[]{3, 3, 3}, kept.toFloatArray());
        kept.close();
        assertEquals(before, Tensor.liveCount());
        assertThrows(TorchException.class, kept::shape);
    }

    @Test void errorsAreExceptions() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 2, 3);
            Tensor b = Torch.ones(DType.F32, 4, 5);
            TorchException e = assertThrows(TorchException.class, () -> a.matmul(b));
            assertTrue(e.getMessage().contains("aten::matmul"), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 3] float32 cpu"), e.getMessage());
            assertTrue(e.getMessage().contains("[4, 5] float32 cpu"), e.getMessage());
            System.out.println(e.getMessage());
        }
    }
}
