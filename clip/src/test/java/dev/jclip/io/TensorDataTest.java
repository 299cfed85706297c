package dev.jclip.io;

import dev.jclip.torch.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

class TensorDataTest {
    private static MemorySegment iota(Arena a, int n) {
        MemorySegment s = a.allocate(4L * n);
        for (int i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
        return s;
    }

    @Test
    void stridedCopiesFollowCOrder() {
        try (Arena a = Arena.ofConfined()) {
            TensorData x = TensorData.contiguous(DType.F32, new long[]{2, 3, 4}, iota(a, 24));
            // x.permute(2, 0, 1): shape [4, 2, 3], strides [1, 12, 4]
            TensorData p = new TensorData(DType.F32, new long[]{4, 2, 3}, new long[]{1, 12, 4}, 0, x.storage());
            assertFalse(p.isContiguous());
            float[] v = p.toFloatArray();
            assertEquals(24, v.length);
            assertEquals(4, v[1], 0);           // p[0,0,1] = x[0,1,0] = 4
            assertEquals(12, v[3], 0);           // p[0,1,0] = x[1,0,0] = 12
            assertEquals(23, v[23], 0);
            TensorData c = p.contiguous(a);
            assertTrue(c.isContiguous());
            assertTrue(c.sameContent(p));
        }
    }

    @Test
    void viewsThatDoNotFitAreRejected() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TensorData(DType.F32, new long[]{2, 3}, new long[]{3, 1}, 0, s));
            assertTrue(e.getMessage().contains("needs 24 bytes but the storage holds 16"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new TensorData(DType.F32, new long[]{2}, new long[]{1, 1}, 0, s));
            assertThrows(IllegalArgumentException.class, () -> new TensorData(DType.F32, new long[]{-1}, new long[]{1}, 0, s));
            assertThrows(IllegalArgumentException.class, () -> new TensorData(DType.F32, new long[]{2}, new long[]{Long.MAX_VALUE}, 0, s));
            // a 0-d tensor needs one element; an empty one needs none
            assertEquals(1, new TensorData(DType.F32, new long[0], new long[0], 3, s).numel());
            assertEquals(0, new TensorData(DType.F64, new long[]{0, 5}, new long[]{5, 1}, 0, a.allocate(0)).byteSize());
        }
    }

    @Test
    void halfPrecisionDecodes() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(4);
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, Float.floatToFloat16(1.5f));
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (Float.floatToIntBits(-2.25f) >>> 16));
            assertEquals(1.5f, TensorData.contiguous(DType.F16, new long[]{1}, s.asSlice(0, 2)).toFloatArray()[0]);
            assertEquals(-2.25f, TensorData.contiguous(DType.BF16, new long[]{1}, s.asSlice(2, 2)).toFloatArray()[0]);
        }
    }
}
