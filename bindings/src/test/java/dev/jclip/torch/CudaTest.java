package dev.jclip.torch;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Runs on cuda:0 when this libtorch is a CUDA build and a GPU is present; reported as skipped otherwise. */
@Tag("cuda")
class CudaTest {
    @BeforeEach void requireCuda() {
        Assumptions.assumeTrue(LibTorch.get().cudaDeviceCount() > 0,
                "no CUDA device (libtorch " + LibTorch.get().version() + ", cuda build: " + LibTorch.get().isCudaBuild() + ")");
    }

    @Test void opsOnCuda() {
        Device gpu = Device.cuda(0);
        try (Scope s = Scope.open()) {
            Tensor a = Torch.of(new float[]{1, 2, 3, 4}, 2, 2).to(gpu);
            assertEquals(gpu, a.device());
            assertArrayEquals(new float[]{7, 10, 15, 22}, a.matmul(a).toFloatArray());
            assertArrayEquals(new float[]{2, 3, 4, 5}, a.add(1.0).toFloatArray());
            try (var ac = Torch.autocast(gpu, DType.F16)) {
                assertEquals(DType.F16, a.mm(a).dtype());
            }
            Tensor w = Torch.ones(new long[]{2, 2}, DType.F32, gpu).requiresGrad(true);
            a.matmul(w).sum().backward();
            assertArrayEquals(new float[]{4, 4, 6, 6}, w.grad().toFloatArray());
            TorchException e = assertThrows(TorchException.class, () -> a.add(Torch.ones(DType.F32, 2, 2)).mm(Torch.ones(DType.F32, 2, 2)));
            assertTrue(e.getMessage().contains("cuda") || e.getMessage().contains("device"), e.getMessage());
        }
    }
}
