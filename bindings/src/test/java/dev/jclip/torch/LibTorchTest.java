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

    @Test void externalModeRejectsAFolderWithoutLibtorch(@org.junit.jupiter.api.io.TempDir java.nio.file.Path empty) {
        TorchException e = assertThrows(TorchException.class, () -> LibTorch.loadExternal(empty));
        assertTrue(e.getMessage().contains("no libtorch_cpu.so in " + empty.toAbsolutePath()), e.getMessage());
        assertTrue(e.getMessage().contains("JCLIP_LIBTORCH"), e.getMessage());
    }
}
