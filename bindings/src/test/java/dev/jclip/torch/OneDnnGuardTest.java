package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The guard's decision, its overrides and its process-wide switch (gradients: {@link Float32GradientTest}). */
class OneDnnGuardTest {
    private static boolean oneDnnOn() {
        return NativeApi._ZNK2at7Context17userEnabledMkldnnEv(NativeApi._ZN2at13globalContextEv());
    }

    @Test void statusSaysWhatWasDone() {
        OneDnnGuard.Status st = OneDnnGuard.status();
        assertEquals(OneDnnGuard.configuredMode(), st.mode());
        String line = st.describe();
        assertTrue(line.startsWith(st.mode().name().toLowerCase()), line);
        if (!st.oneDnn()) return;
        switch (st.mode()) {
            case ON -> assertTrue(st.active(), line);
            case OFF -> assertFalse(st.active(), line);
            case AUTO -> {
                assertNotNull(st.probe(), line);
                assertEquals(!st.probe().startsWith("right"), st.active(), line);
                assertEquals(st.active() && st.probe().startsWith("wrong"), st.guarded() != null, line);
            }
        }
    }

    @Test void configureOverridesAndRestores() {
        OneDnnGuard.Status before = OneDnnGuard.status();
        try {
            OneDnnGuard.Status on = OneDnnGuard.configure(OneDnnGuard.Mode.ON);
            assertEquals(on.oneDnn(), on.active());
            assertTrue(on.describe().contains("set by OneDnnGuard.configure"), on.describe());
            assertFalse(OneDnnGuard.configure(OneDnnGuard.Mode.OFF).active());
        } finally {
            OneDnnGuard.restore(before);
        }
        assertEquals(before.active(), OneDnnGuard.isActive());
    }

    @Test void oneDnnOffNestsAndRestores() {
        boolean start = oneDnnOn();
        OneDnnGuard.Off outer = OneDnnGuard.oneDnnOff();
        assertFalse(oneDnnOn());
        assertFalse(OneDnn.available());
        try (OneDnnGuard.Off inner = OneDnnGuard.oneDnnOff()) {
            assertFalse(oneDnnOn());
        }
        assertFalse(oneDnnOn(), "still inside the outer region");
        outer.close();
        outer.close(); // idempotent: must not end some other region
        assertEquals(start, oneDnnOn());
    }

    @Test void backwardRestoresTheSwitch() {
        boolean start = oneDnnOn();
        OneDnnGuard.Status before = OneDnnGuard.status();
        try (Scope s = Scope.open()) {
            OneDnnGuard.configure(OneDnnGuard.Mode.ON);
            Tensor x = Torch.randn(new long[]{1, 2, 8, 8}, DType.F32, Device.CPU).requiresGrad(true);
            Tensor w = Torch.randn(new long[]{2, 2, 3, 3}, DType.F32, Device.CPU);
            F.conv2d(x, w, null, 1, 1).sum().backward();
            assertNotNull(x.grad());
            assertEquals(start, oneDnnOn(), "oneDNN switch after a guarded backward");
        } finally {
            OneDnnGuard.restore(before);
        }
    }

    @Test void badOverrideIsNamed() {
        String old = System.getProperty("jclip.onednnGuard");
        System.setProperty("jclip.onednnGuard", "maybe");
        try {
            TorchException e = assertThrows(TorchException.class, OneDnnGuard::configuredMode);
            assertEquals("jclip.onednnGuard=maybe: expected auto, on or off", e.getMessage());
        } finally {
            if (old == null) System.clearProperty("jclip.onednnGuard"); else System.setProperty("jclip.onednnGuard", old);
        }
    }
}
