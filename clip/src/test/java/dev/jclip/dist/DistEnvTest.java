package dev.jclip.dist;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistEnvTest {
    @Test void nothingSetIsOneProcess() {
        DistEnv e = DistEnv.fromEnvironment(Map.of("HOME", "/root"));
        assertEquals(DistEnv.single(), e);
        assertFalse(e.isDistributed());
        assertTrue(e.isMain());
    }

    @Test void torchrunVariables() {
        DistEnv e = DistEnv.fromEnvironment(Map.of("RANK", "5", "WORLD_SIZE", "8", "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "4",
                "MASTER_ADDR", "node7", "MASTER_PORT", "29511"));
        assertEquals(new DistEnv(5, 8, 1, 4, "node7", 29511, "torchrun"), e);
        assertFalse(e.isMain());
    }

    @Test void torchrunWinsOverSlurm() {
        DistEnv e = DistEnv.fromEnvironment(Map.of("RANK", "1", "WORLD_SIZE", "2", "MASTER_ADDR", "a", "MASTER_PORT", "1234",
                "SLURM_PROCID", "0", "SLURM_NTASKS", "1", "SLURM_NODELIST", "x"));
        assertEquals("torchrun", e.source());
        assertEquals(1, e.rank());
        assertEquals(1, e.localRank()); // LOCAL_RANK defaults to RANK on one node
    }

    @Test void slurmVariables() {
        DistEnv e = DistEnv.fromEnvironment(Map.of("SLURM_PROCID", "6", "SLURM_NTASKS", "8", "SLURM_LOCALID", "2",
                "SLURM_NTASKS_PER_NODE", "4(x2)", "SLURM_JOB_NODELIST", "gpu[07-08]"));
        assertEquals(new DistEnv(6, 8, 2, 4, "gpu07", DistEnv.DEFAULT_PORT, "slurm"), e);
    }

    @Test void partialOrBadVariablesAreNamed() {
        var ex = assertThrows(IllegalArgumentException.class, () -> DistEnv.fromEnvironment(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_PORT", "1")));
        assertTrue(ex.getMessage().contains("MASTER_ADDR"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> DistEnv.fromEnvironment(Map.of("RANK", "x", "WORLD_SIZE", "2")));
        assertTrue(ex.getMessage().contains("RANK='x'"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> DistEnv.fromEnvironment(Map.of("RANK", "2", "WORLD_SIZE", "2",
                "MASTER_ADDR", "a", "MASTER_PORT", "1")));
        assertTrue(ex.getMessage().contains("rank 2 is outside [0, 2)"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class, () -> DistEnv.fromEnvironment(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2")));
        assertTrue(ex.getMessage().contains("SLURM_NODELIST"), ex.getMessage());
    }

    @Test void slurmNodeLists() {
        assertEquals(List.of("a"), SlurmNodeList.expand("a"));
        assertEquals(List.of("node3", "node4", "node5", "gpu7"), SlurmNodeList.expand("node[3-5],gpu7"));
        assertEquals(List.of("a08", "a09", "a10", "a12"), SlurmNodeList.expand("a[08-10,12]"));
        assertEquals(List.of("r1n1", "r1n2", "r2n1", "r2n2"), SlurmNodeList.expand("r[1-2]n[1-2]"));
        assertEquals("gpu01", SlurmNodeList.first("gpu[01-03],login"));
        for (String bad : new String[]{"", "a[1-", "a]", "a[3-1]", "a[x]", "a,,b", "a[[1]]"}) {
            var ex = assertThrows(IllegalArgumentException.class, () -> SlurmNodeList.expand(bad), bad);
            assertTrue(ex.getMessage().startsWith("bad Slurm node list"), ex.getMessage());
        }
    }
}
