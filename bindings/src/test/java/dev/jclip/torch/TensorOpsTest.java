package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TensorOpsTest {
    @Test void creation() {
        try (Scope s = Scope.open()) {
            assertArrayEquals(new float[]{0, 0}, Torch.zeros(DType.F32, 2).toFloatArray());
            assertArrayEquals(new float[]{2.5f, 2.5f}, Torch.full(new long[]{2}, 2.5, DType.F32, Device.CPU).toFloatArray());
            assertArrayEquals(new long[]{0, 1, 2}, Torch.arange(3).toLongArray());
            assertArrayEquals(new float[]{0, 0.5f, 1}, Torch.linspace(0, 1, 3, DType.F32, Device.CPU).toFloatArray());
            assertArrayEquals(new double[]{1, 3}, Torch.arange(1, 4, 2, DType.F64, Device.CPU).toDoubleArray());
            Torch.manualSeed(7);
            float[] r1 = Torch.randn(new long[]{5}, DType.F32, Device.CPU).toFloatArray();
            Torch.manualSeed(7);
            float[] r2 = Torch.randn(new long[]{5}, DType.F32, Device.CPU).toFloatArray();
            assertArrayEquals(r1, r2);
            float[] u = Torch.rand(new long[]{100}, DType.F32, Device.CPU).toFloatArray();
            for (float v : u) assertTrue(v >= 0 && v < 1);
            long[] ri = Torch.randint(3, 5, new long[]{50}, DType.I64, Device.CPU).toLongArray();
            for (long v : ri) assertTrue(v == 3 || v == 4);
            for (DType dt : DType.values()) assertEquals(dt, Torch.zeros(dt, 2).dtype(), dt.toString());
            assertEquals(DType.BF16, Torch.ones(DType.F32, 2).to(DType.BF16).dtype());
            assertEquals(3.0, Torch.of(new boolean[]{true, false, true, true}, 4).to(DType.I64).sum().item() - 0, 0);
        }
    }

    @Test void viewsAndJoins() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.arange(0, 24, 1, DType.F32, Device.CPU).reshape(2, 3, 4);
            assertArrayEquals(new long[]{4, 3, 2}, a.permute(2, 1, 0).shape());
            assertArrayEquals(new long[]{2, 4, 3}, a.transpose(1, 2).shape());
            assertFalse(a.transpose(1, 2).isContiguous());
            assertTrue(a.transpose(1, 2).contiguous().isContiguous());
            assertArrayEquals(new long[]{2, 12}, a.flatten(1, 2).shape());
            assertArrayEquals(new long[]{1, 2, 3, 4}, a.unsqueeze(0).shape());
            assertArrayEquals(new long[]{2, 3, 4}, a.unsqueeze(0).squeeze(0).shape());
            assertArrayEquals(new float[]{4, 5, 6, 7}, a.select(0, 0).select(0, 1).toFloatArray());
            assertArrayEquals(new float[]{1, 2}, a.select(0, 0).select(0, 0).narrow(0, 1, 2).toFloatArray());
            assertArrayEquals(new float[]{0, 2}, a.select(0, 0).select(0, 0).slice(0, 0, 4, 2).toFloatArray());
            Tensor idx = Torch.of(new long[]{1, 0}, 2);
            assertArrayEquals(new long[]{2, 3, 4}, a.index(idx).shape());
            assertArrayEquals(new float[]{12, 0}, a.index(idx, Torch.of(new long[]{0, 0}, 2), Torch.of(new long[]{0, 0}, 2)).toFloatArray());
            assertArrayEquals(new long[]{2, 3, 4}, Torch.ones(DType.F32, 3, 1).expand(2, 3, 4).shape());
            Tensor[] ch = a.chunk(2, 2);
            assertEquals(2, ch.length);
            assertArrayEquals(new long[]{2, 3, 2}, ch[1].shape());
            Tensor[] sp = a.split(new long[]{1, 3}, 2);
            assertArrayEquals(new long[]{2, 3, 3}, sp[1].shape());
            assertArrayEquals(new long[]{4, 3, 4}, Torch.cat(List.of(a, a), 0).shape());
            assertArrayEquals(new long[]{2, 2, 3, 4}, Torch.stack(List.of(a, a), 1).shape());
        }
    }

    @Test void mathComparisonsAndLogic() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.of(new float[]{-2, -0.5f, 0, 1, 4}, 5);
            assertArrayEquals(new float[]{2, 0.5f, 0, 1, 4}, x.abs().toFloatArray());
            assertArrayEquals(new float[]{-1, -0.5f, 0, 1, 1}, x.clamp(-1, 1).toFloatArray());
            assertArrayEquals(new float[]{4, 0.25f, 0, 1, 16}, x.pow(2).toFloatArray());
            assertEquals(2.0, x.select(0, 4).sqrt().item(), 0);
            assertEquals(0.5, x.select(0, 4).rsqrt().item(), 0);
            assertEquals(Math.exp(1), x.select(0, 3).exp().item(), 1e-6);
            assertArrayEquals(new boolean[]{false, false, false, true, true}, x.gt(0.5).toBooleanArray());
            Tensor pos = x.gt(Torch.zerosLike(x));
            Tensor small = x.lt(Torch.onesLike(x).mul(2));
            assertArrayEquals(new boolean[]{false, false, false, true, false}, pos.logicalAnd(small).toBooleanArray());
            assertArrayEquals(new boolean[]{true, true, true, false, true}, pos.logicalAnd(small).logicalNot().toBooleanArray());
            assertArrayEquals(new float[]{0, 0, 0, 1, 4}, x.where(pos, Torch.zerosLike(x)).toFloatArray());
            assertArrayEquals(new float[]{9, 9, 0, 1, 4}, x.maskedFill(x.lt(0.0), 9).toFloatArray());
            Tensor m = Torch.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
            assertArrayEquals(new float[]{2, 5}, m.mean(1, false).toFloatArray());
            assertArrayEquals(new float[]{1, 1}, m.var(1, true, false).toFloatArray());
            Tensor[] tk = m.topk(2, 1);
            assertArrayEquals(new float[]{3, 2, 6, 5}, tk[0].toFloatArray());
            assertArrayEquals(new long[]{2, 1, 2, 1}, tk[1].toLongArray());
            assertEquals(1.0, m.normalize(1).select(0, 0).square().sum().item(), 1e-6);
            assertEquals(Math.sqrt(14), m.norm(1, false).select(0, 0).item(), 1e-5);
            Tensor w = Torch.of(new float[]{1, 0, 0, 1, 1, 1}, 2, 3);
            assertArrayEquals(new float[]{1, 6, 4, 15}, F.linear(m, w, null).toFloatArray());
            assertArrayEquals(new long[]{4, 2, 2}, Torch.ones(DType.F32, 4, 2, 3).bmm(Torch.ones(DType.F32, 4, 3, 2)).shape());
        }
    }

    @Test void nnFunctions() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.of(new float[]{-1, 0, 1, 2}, 4);
            assertArrayEquals(new float[]{0, 0, 1, 2}, F.relu(x).toFloatArray());
            float[] q = F.quickGelu(x).toFloatArray();
            assertEquals(1.0 / (1 + Math.exp(-1.702)), q[2], 1e-6);
            assertEquals(0.8413447, F.gelu(x, false).toFloatArray()[2], 1e-6);
            assertEquals(0.841192, F.gelu(x, true).toFloatArray()[2], 1e-5);
            Tensor ln = F.layerNorm(Torch.of(new float[]{1, 2, 3, 4}, 1, 4), new long[]{4}, null, null, 1e-5);
            assertEquals(0.0, ln.mean().item(), 1e-6);
            Tensor logits = Torch.of(new float[]{2, 0, 0, 2}, 2, 2);
            Tensor target = Torch.of(new long[]{0, 1}, 2);
            double ce = Math.log(1 + Math.exp(-2));
            assertEquals(ce, F.crossEntropy(logits, target).item(), 1e-6);
            double smooth = F.crossEntropy(logits, target, 0.1).item();
            assertTrue(smooth > ce);
            Tensor qk = Torch.randn(new long[]{1, 1, 3, 4}, DType.F32, Device.CPU);
            Tensor att = F.scaledDotProductAttention(qk, qk, qk, null, true);
            // causal: the first position attends only to itself
            assertArrayEquals(qk.select(2, 0).toFloatArray(), att.select(2, 0).toFloatArray(), 1e-6f);
            Tensor img = Torch.arange(0, 16, 1, DType.F32, Device.CPU).reshape(1, 1, 4, 4);
            assertArrayEquals(new float[]{2.5f, 4.5f, 10.5f, 12.5f}, F.avgPool2d(img, 2, 2, 0).toFloatArray());
            assertArrayEquals(new float[]{5, 7, 13, 15}, F.maxPool2d(img, 2, 2, 0).toFloatArray());
            assertArrayEquals(new float[]{7.5f}, F.adaptiveAvgPool2d(img, 1, 1).toFloatArray());
            Tensor k = Torch.ones(DType.F32, 1, 1, 3, 3);
            assertArrayEquals(new long[]{1, 1, 4, 4}, F.conv2d(img, k, null, 1, 1).shape());
            assertEquals(45.0, F.conv2d(img, k, null, 1, 0).toFloatArray()[0], 0);
            Tensor emb = F.embedding(Torch.arange(0, 6, 1, DType.F32, Device.CPU).reshape(3, 2), Torch.of(new long[]{2, 0}, 2));
            assertArrayEquals(new float[]{4, 5, 0, 1}, emb.toFloatArray());
            assertArrayEquals(new long[]{1, 1, 8, 8}, F.resizeBicubicAntialias(img, 8, 8).shape());
            Tensor bn = F.batchNorm(Torch.ones(DType.F32, 2, 3), Torch.zeros(DType.F32, 3), Torch.ones(DType.F32, 3), null, null, false, 0.1, 0);
            assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1}, bn.toFloatArray());
            Tensor dropped = F.dropout(Torch.ones(DType.F32, 1000), 0.5, true);
            double kept = dropped.gt(0.0).to(DType.F32).sum().item();
            assertTrue(kept > 350 && kept < 650, "kept " + kept);
        }
    }

    @Test void noGradAndAutocastAreScopedPerThread() throws Exception {
        try (Scope s = Scope.open()) {
            Tensor w = Torch.ones(DType.F32, 2, 2).requiresGrad(true);
            try (var g = Torch.noGrad()) {
                assertFalse(GradMode.isEnabled());
                assertFalse(w.mul(w).requiresGrad());
            }
            assertTrue(GradMode.isEnabled());
            assertTrue(w.mul(w).requiresGrad());
            try (var ac = Torch.autocast(Device.CPU, DType.BF16)) {
                assertEquals(DType.BF16, w.mm(w).dtype());
                Thread t = new Thread(() -> {
                    try (Scope s2 = Scope.open()) {
                        Tensor a = Torch.ones(DType.F32, 2, 2);
                        assertEquals(DType.F32, a.mm(a).dtype()); // other threads are unaffected
                    }
                });
                t.start();
                t.join();
            }
            assertEquals(DType.F32, w.mm(w).dtype());
            assertFalse(Autocast.isEnabled(Device.Type.CPU));
        }
    }

    @Test void zeroCopySegments() {
        try (Arena arena = Arena.ofConfined(); Scope s = Scope.open()) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_FLOAT, 6);
            for (int i = 0; i < 6; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            Tensor t = Torch.fromSegment(seg, DType.F32, 2, 3);
            seg.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 42); // shared memory, not a copy
            assertEquals(42f, t.toFloatArray()[0]);
            MemorySegment view = t.asSegment();
            assertEquals(seg.address(), view.address());
            Tensor strided = Torch.fromSegment(seg, DType.F32, new long[]{3}, new long[]{2}, 0);
            assertArrayEquals(new float[]{42, 2, 4}, strided.toFloatArray());
            Tensor owned = Torch.ones(DType.F32, 2);
            MemorySegment ov = owned.asSegment();
            owned.close();
            assertThrows(IllegalStateException.class, () -> ov.get(ValueLayout.JAVA_FLOAT, 0));
        }
        Tensor outlives;
        try (Arena arena = Arena.ofConfined()) {
            outlives = Torch.fromSegment(arena.allocate(8), DType.F32, 2);
            outlives.keep();
        }
        TorchException e = assertThrows(TorchException.class, outlives::toFloatArray);
        assertTrue(e.getMessage().contains("arena"), e.getMessage());
        outlives.close();
    }

    @Test void residentCountStaysFlatOverManySmallOpsInScopes() {
        long before = Tensor.liveCount();
        try (Scope outer = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 8);
            for (int i = 0; i < 20_000; i++) {
                try (Scope s = Scope.open()) {
                    a.mul(a).add(1.0).relu();
                }
            }
            assertEquals(1, outer.size());
        }
        assertEquals(before, Tensor.liveCount());
    }

    @Test void gradientsAccumulateAndReset() {
        try (Scope s = Scope.open()) {
            Tensor w = Torch.of(new float[]{1, 2}, 2).requiresGrad(true);
            w.mul(w).sum().backward();
            w.mul(w).sum().backward();
            assertArrayEquals(new float[]{4, 8}, w.grad().toFloatArray());
            w.grad().zero_();
            assertArrayEquals(new float[]{0, 0}, w.grad().toFloatArray());
            w.setGrad(Torch.of(new float[]{5, 6}, 2));
            assertArrayEquals(new float[]{5, 6}, w.grad().toFloatArray());
            Tensor d = w.detach();
            assertFalse(d.requiresGrad());
        }
    }
}
