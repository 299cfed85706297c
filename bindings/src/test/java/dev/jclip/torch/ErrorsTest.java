package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every misuse is a TorchException naming the problem, and the JVM keeps working afterwards. */
class ErrorsTest {
    private static void stillAlive() {
        try (Scope s = Scope.open()) {
            assertEquals(4.0, Torch.ones(DType.F32, 2, 2).sum().item(), 0);
        }
    }

    @Test void shapeMismatch() {
        try (Scope s = Scope.open()) {
            TorchException e = assertThrows(TorchException.class,
                    () -> Torch.ones(DType.F32, 3).add(Torch.ones(DType.F32, 4)));
            assertTrue(e.getMessage().contains("[3] float32 cpu") && e.getMessage().contains("[4] float32 cpu"), e.getMessage());
            assertTrue(e.getMessage().contains("must match"), e.getMessage());
        }
        stillAlive();
    }

    @Test void libtorchPrintsNothingForACaughtFailureAndTheTextReachesTheException() {
        String[] message = new String[1];
        String printed = ErrorCapture.capture(() -> {
            try (Scope s = Scope.open()) {
                Torch.ones(DType.F32, 3).add(Torch.ones(DType.F32, 4));
            } catch (TorchException e) {
                message[0] = e.getMessage();
            }
        });
        assertNotNull(printed, "stderr could not be captured");
        if (TorchLog.isQuiet()) assertEquals("", printed.strip(), "libtorch wrote to stderr for a failure the caller caught");
        assertTrue(message[0] != null && message[0].contains("must match"), String.valueOf(message[0]));
        assertFalse(message[0].contains("Exception raised from"), "the C++ backtrace stays out: " + message[0]);
        stillAlive();
    }

    @Test void dtypeMismatch() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 2, 2);
            Tensor b = Torch.ones(DType.F64, 2, 2);
            TorchException e = assertThrows(TorchException.class, () -> a.mm(b));
            assertTrue(e.getMessage().contains("aten::mm") && e.getMessage().contains("float64"), e.getMessage());
            TorchException idx = assertThrows(TorchException.class, () -> F.embedding(a, Torch.ones(DType.F32, 2)));
            assertTrue(idx.getMessage().contains("aten::embedding"), idx.getMessage());
        }
        stillAlive();
    }

    @Test void deviceMismatchOrMissingDevice() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 2);
            TorchException e = assertThrows(TorchException.class, () -> a.to(Device.cuda(LibTorch.get().cudaDeviceCount())));
            assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        }
        stillAlive();
    }

    @Test void closedTensor() {
        Tensor a = Torch.ones(DType.F32, 2);
        a.close();
        TorchException e = assertThrows(TorchException.class, () -> a.add(1.0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        try (Scope s = Scope.open()) {
            Tensor b = Torch.ones(DType.F32, 2);
            TorchException e2 = assertThrows(TorchException.class, () -> b.mul(a));
            assertTrue(e2.getMessage().contains("argument 1 'other'"), e2.getMessage());
        }
        a.close(); // idempotent
        stillAlive();
    }

    @Test void genericCallChecksArgumentsAgainstTheSchema() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 2);
            TorchException count = assertThrows(TorchException.class, () -> Torch.call("aten::mul", "Tensor", a));
            assertTrue(count.getMessage().contains("expected 2 arguments"), count.getMessage());
            TorchException type = assertThrows(TorchException.class, () -> Torch.call("aten::mul", "Tensor", a, 3.0));
            assertTrue(type.getMessage().contains("'other' expects Tensor but got Double"), type.getMessage());
            TorchException nul = assertThrows(TorchException.class, () -> Torch.call("aten::mul", "Tensor", a, null));
            assertTrue(nul.getMessage().contains("must not be null"), nul.getMessage());
            TorchException unknown = assertThrows(TorchException.class, () -> Torch.call("aten::no_such_op", "", a));
            assertTrue(unknown.getMessage().contains("unknown operator"), unknown.getMessage());
            Tensor r = (Tensor) Torch.call("aten::mul", "Tensor", a, a);
            assertArrayEquals(new float[]{1, 1}, r.toFloatArray());
            Tensor[] parts = (Tensor[]) Torch.call("aten::split", "Tensor", Torch.ones(DType.F32, 4), 2L, 0L);
            assertEquals(2, parts.length);
        }
        stillAlive();
    }

    @Test void scalarArgumentsAreRefusedBeforeLibtorch() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LibTorch.get().hasJni(), "needs the schema registry for aten::add.Tensor");
        try (Scope s = Scope.open()) {
            Tensor a = Torch.ones(DType.F32, 2);
            TorchException e = assertThrows(TorchException.class, () -> Torch.call("aten::add", "Tensor", a, a, 1.0));
            assertTrue(e.getMessage().contains("Scalar"), e.getMessage());
        }
        stillAlive();
    }

    @Test void badArraysAndSegments() {
        assertThrows(TorchException.class, () -> Torch.of(new float[3], 2, 2));
        TorchException heap = assertThrows(TorchException.class,
                () -> Torch.fromSegment(java.lang.foreign.MemorySegment.ofArray(new float[4]), DType.F32, 4));
        assertTrue(heap.getMessage().contains("heap segment"), heap.getMessage());
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var seg = arena.allocate(16);
            TorchException e = assertThrows(TorchException.class, () -> Torch.fromSegment(seg, DType.F32, 2, 3));
            assertTrue(e.getMessage().contains("needs 24 bytes"), e.getMessage());
        }
        stillAlive();
    }

    @Test void scopeClosedOnWrongThreadIsAnException() throws Exception {
        Scope s = Scope.open();
        Throwable[] seen = new Throwable[1];
        Thread t = new Thread(() -> {
            try { s.close(); } catch (Throwable e) { seen[0] = e; }
        });
        t.start();
        t.join();
        s.close();
        assertInstanceOf(TorchException.class, seen[0]);
        assertEquals(List.of(), List.of());
    }
}
