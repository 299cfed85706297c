package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;

/** Zero-copy tensors over read-only memory (mapped checkpoints) refuse writes instead of crashing. */
class ReadOnlyTensorTest {
    @Test void writesToReadOnlyMemoryAreExceptions() {
        try (Arena arena = Arena.ofConfined(); Scope s = Scope.open()) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_FLOAT, 4);
            for (int i = 0; i < 4; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i + 1);
            Tensor t = Torch.fromSegment(seg.asReadOnly(), DType.F32, 2, 2);
            assertTrue(t.isReadOnly());
            assertEquals(seg.address(), t.asSegment().address()); // zero-copy
            assertTrue(t.asSegment().isReadOnly());
            assertArrayEquals(new float[]{2, 4, 6, 8}, t.mul(2.0).toFloatArray());
            assertFalse(t.mul(2.0).isReadOnly());
            TorchException e = assertThrows(TorchException.class, () -> t.mul_(2.0));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertThrows(TorchException.class, () -> t.fill_(0));
            assertThrows(TorchException.class, t::zero_);
            assertThrows(TorchException.class, () -> t.requiresGrad(true));
            Tensor view = t.reshape(4);
            assertTrue(view.isReadOnly(), "views alias the read-only memory");
            assertThrows(TorchException.class, () -> view.copy_(Torch.zeros(DType.F32, 4)));
            Tensor copy = t.copy();
            assertFalse(copy.isReadOnly());
            copy.mul_(2.0);
            assertArrayEquals(new float[]{2, 4, 6, 8}, copy.toFloatArray());
            assertArrayEquals(new float[]{1, 2, 3, 4}, t.toFloatArray());
        }
    }
}
