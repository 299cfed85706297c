package dev.jclip.dist;

import dev.jclip.torch.Nccl;
import dev.jclip.torch.TorchException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The NCCL path where there is no NCCL (the CPU build): a clear refusal before any network use. The GPU check runs the real thing. */
class NcclBackendTest {
    @Test void withoutNcclTheGroupSaysWhatToDo() {
        if (Nccl.isAvailable()) return;
        DistEnv env = new DistEnv(1, 2, 1, 2, "127.0.0.1", 1, "torchrun");
        TorchException e = assertThrows(TorchException.class, () -> ProcessGroup.init(env, DistBackend.NCCL, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("NCCL is not available") && e.getMessage().contains("Gloo"), e.getMessage());
    }
}
