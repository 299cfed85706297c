package dev.jclip.dist;

import dev.jclip.torch.Device;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer that never arrives is reported by rank within the timeout, on both sides of the store. */
class RendezvousTest {
    @Test void missingPeerIsNamedByRankZero() throws Exception {
        DistEnv env = new DistEnv(0, 3, 0, 3, "127.0.0.1", Ranks.freePort(), "test");
        long t0 = System.nanoTime();
        PeerFailureException e = assertThrows(PeerFailureException.class, () -> ProcessGroup.init(env, Device.CPU, Duration.ofSeconds(2)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(List.of(1, 2), e.ranks());
        assertTrue(e.getMessage().contains("ranks [1, 2] never arrived"), e.getMessage());
        assertTrue(ms < 6000, "took " + ms + " ms");
    }

    @Test void missingStoreIsReportedAsRankZero() throws Exception {
        DistEnv env = new DistEnv(1, 2, 1, 2, "127.0.0.1", Ranks.freePort(), "test");
        PeerFailureException e = assertThrows(PeerFailureException.class, () -> ProcessGroup.init(env, Device.CPU, Duration.ofSeconds(2)));
        assertEquals(List.of(0), e.ranks());
        assertTrue(e.getMessage().contains("rank 0 never arrived"), e.getMessage());
    }

    @Test void singleProcessGroupIsANoOp() {
        try (ProcessGroup pg = ProcessGroup.init(DistEnv.single(), Device.CPU, Duration.ofSeconds(1));
             var t = dev.jclip.torch.Torch.of(new float[]{1, 2}, 2)) {
            pg.allReduceSum(t);
            pg.broadcast(t, 0);
            pg.barrier();
            assertEquals(2f, t.toFloatArray()[1]);
            try (var g = pg.allGather(t)) { assertEquals(List.of(2L), List.of(g.shape()[0])); }
        }
    }

    @Test void ncclOnTheCpuBuildSaysWhy() {
        // Only meaningful where the CUDA build is absent (the default here); with a world of one nothing connects.
        assertEquals(DistBackend.NCCL, DistBackend.forDevice(Device.cuda(0)));
        assertEquals(DistBackend.GLOO, DistBackend.parse("auto", Device.CPU));
        assertThrows(IllegalArgumentException.class, () -> DistBackend.parse("mpi", Device.CPU));
    }
}
