package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17's crash reproductions 1-3: views of zero-copy tensors outliving their memory, close()
 * racing a use, and an arena closed while an op reads it. Each must end in a TorchException
 * ("use of a closed tensor" / "memory segment was freed"), never a SIGSEGV.
 */
class TensorLifetimeTest {

    private static MemorySegment filled(Arena a, int n) {
        MemorySegment seg = a.allocate(ValueLayout.JAVA_FLOAT, n);
        for (int i = 0; i < n; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
        return seg;
    }

    @Test void viewsOfASegmentTensorAreCheckedAfterItsArenaCloses() {
        Arena a = Arena.ofShared();
        Tensor base = Torch.fromSegment(filled(a, 16), DType.F32, 4, 4).persist();
        Tensor t = base.t().persist(), v = base.view(16).persist(), n = base.narrow(0, 1, 2).persist();
        Tensor[] chunks = base.chunk(2, 0);
        for (Tensor c : chunks) c.persist();
        Tensor copy = base.copy().persist();
        assertEquals(120.0, t.sum().item(), 0);
        assertFalse(copy.isReleased());
        a.close();
        for (Tensor x : new Tensor[]{base, t, v, n, chunks[1]}) {
            assertTrue(x.isReleased());
            for (Consumer<Tensor> use : java.util.List.<Consumer<Tensor>>of(Tensor::sum, x1 -> x1.fill_(1), Tensor::toFloatArray,
                    x1 -> x1.add(1.0), Tensor::item, x1 -> x1.mul(x1))) {
                TorchException e = assertThrows(TorchException.class, () -> use.accept(x));
                assertTrue(e.getMessage().contains("memory segment was freed"), e.getMessage());
            }
        }
        assertEquals(120.0, copy.sum().item(), 0, "a copy owns its memory");
        for (Tensor x : new Tensor[]{base, t, v, n, chunks[0], chunks[1], copy}) x.close();
    }

    @Test void closeRacingUseEndsInAClosedTensorException() throws Exception {
        int rounds = 1500;
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int r = 0; r < rounds && unexpected.get() == null; r++) {
            Tensor x = Torch.randn(new long[]{32, 32}, DType.F32, Device.CPU).persist();
            CountDownLatch go = new CountDownLatch(1);
            Thread user = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                        try (Scope s = Scope.open()) {
                            x.matmul(x).sum().item();
                            x.shape();
                            x.toFloatArray();
                            x.add(1.0);
                        }
                    }
                } catch (TorchException e) {
                    if (!e.getMessage().contains("use of a closed tensor")) unexpected.compareAndSet(null, e);
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            });
            user.start();
            go.countDown();
            if (ThreadLocalRandom.current().nextBoolean()) Thread.onSpinWait();
            x.close();
            user.join();
        }
        if (unexpected.get() != null) throw new AssertionError("a racing close gave " + unexpected.get(), unexpected.get());
    }

    @Test void arenaClosedDuringAnOpOnAnotherThreadIsAnException() throws Exception {
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        for (int r = 0; r < 40 && unexpected.get() == null; r++) {
            Arena a = Arena.ofShared();
            Tensor t = Torch.fromSegment(filled(a, 512 * 512), DType.F32, 512, 512).persist();
            Tensor v = t.t().persist();
            CountDownLatch started = new CountDownLatch(1);
            Thread user = new Thread(() -> {
                try {
                    started.countDown();
                    for (int i = 0; i < 1000; i++) {
                        try (Scope s = Scope.open()) { v.matmul(t).sum(); t.add(1.0); }
                    }
                } catch (TorchException e) {
                    if (!e.getMessage().contains("memory segment was freed")) unexpected.compareAndSet(null, e);
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            });
            user.start();
            started.await();
            // An op holds the arena for its length: close() is refused while one runs, then succeeds.
            for (;;) {
                try { a.close(); break; } catch (IllegalStateException busy) { Thread.onSpinWait(); }
            }
            user.join();
            t.close();
            v.close();
        }
        if (unexpected.get() != null) throw new AssertionError("closing the arena gave " + unexpected.get(), unexpected.get());
    }
}
