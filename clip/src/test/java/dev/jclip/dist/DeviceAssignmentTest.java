package dev.jclip.dist;

import dev.jclip.torch.Cuda;
import dev.jclip.torch.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DeviceAssignmentTest {
    @Test void bareCudaIsLocalRankModuloVisibleDevices() {
        // torchrun / scripts/launch on an 8-GPU node: every process sees 8
        for (int r = 0; r < 8; r++) assertEquals(Device.cuda(r), DeviceAssignment.resolve("cuda", r, 8));
        // srun --gpus-per-task 1: each process sees its one GPU as cuda:0
        for (int r = 0; r < 4; r++) assertEquals(Device.cuda(0), DeviceAssignment.resolve("cuda", r, 1));
        // 4 ranks sharing 2 GPUs
        assertEquals(Device.cuda(1), DeviceAssignment.resolve("cuda", 3, 2));
    }

    @Test void explicitIndexMustBeVisibleAndCpuStaysCpu() {
        assertEquals(Device.cuda(1), DeviceAssignment.resolve("cuda:1", 0, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceAssignment.resolve("cuda:1", 1, 1));
        assertTrue(e.getMessage().contains("only 1 CUDA device"), e.getMessage());
        assertEquals(Device.CPU, DeviceAssignment.resolve("cpu", 5, 0));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> DeviceAssignment.resolve("cuda", 0, 0));
        assertTrue(none.getMessage().contains("no CUDA device"), none.getMessage());
    }

    @Test void applySetsTheCurrentDevice() {
        DistEnv env = new DistEnv(0, 1, 0, 1, "127.0.0.1", 29500, "single");
        assertEquals(Device.CPU, DeviceAssignment.apply("cpu", env));
        if (!Cuda.isAvailable()) {
            assertThrows(IllegalArgumentException.class, () -> DeviceAssignment.apply("cuda", env));
            return;
        }
        Device d = DeviceAssignment.apply("cuda", env);
        assertEquals(d.index(), Cuda.currentDevice());
    }
}
