package dev.jclip.torch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LibTorchTest {
    @Test void modeFollowsConfiguration() {
        LibTorch lt = LibTorch.get();
        if (LibTorch.externalDirectory().isPresent()) {
            assertEquals(LibTorch.Mode.EXTERNAL, lt.mode());
            assertFalse(lt.hasJni());
            assertEquals(LibTorch.externalDirectory().get(), lt.directory());
        } else {
            assertEquals(LibTorch.Mode.EMBEDDED, lt.mode());
            assertTrue(lt.hasJni());
            assertTrue(lt.version().startsWith("2.10"), lt.version());
        }
        assertTrue(lt.devices().contains(Device.CPU));
        assertTrue(Torch.numThreads() >= 1);
        System.out.println("libtorch " + lt.version() + " " + lt.mode() + " at " + lt.directory() + " devices " + lt.devices());
    }

    @Test void externalModeRejectsAFolderWithoutLibtorch() {
        java.nio.file.Path empty = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        assertFalse(java.nio.file.Files.exists(empty.resolve("libtorch_cpu.so")));
    }
}
