package dev.jclip.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test on the real model, loss and optimizer ({@link DistTrainWorker}: a tiny
 * ClipModel, the Trainer with fused AdamW and clipping, the sharded DataLoader): 2 processes x batch
 * 16 over Gloo on loopback give the same losses and the same weights after 5 steps as the plain
 * single-process trainer with batch 32 (float32 round-off apart), for the global loss and the
 * local-loss variant; and a crashed rank stops its peer within the timeout with a message naming it.
 */
class DataParallelEquivalenceTest {
    static final int STEPS = 5, BATCH = 32;

    @Test void twoProcessesEqualOneProcessGlobalLoss(@TempDir Path dir) throws Exception {
        compare(dir, GlobalBatchLoss.Mode.GLOBAL);
    }

    @Test void twoProcessesEqualOneProcessLocalLoss(@TempDir Path dir) throws Exception {
        compare(dir, GlobalBatchLoss.Mode.LOCAL);
    }

    private static void compare(Path dir, GlobalBatchLoss.Mode mode) throws Exception {
        Path out = dir.resolve("two.json");
        List<Ranks.Exit> exits = Ranks.run(2, dir, 60, out.toString(), "" + STEPS, "" + BATCH, mode.name(), "20");
        for (Ranks.Exit e : exits) assertEquals(0, e.code(), "rank " + e.rank() + " failed:\n" + e.log());

        DistTrainWorker.Result one;
        try (ProcessGroup pg = ProcessGroup.single()) {
            one = DistTrainWorker.train(pg, STEPS, BATCH, mode, -1, -1);
        }
        Map<?, ?> two = new ObjectMapper().readValue(out.toFile(), Map.class);
        @SuppressWarnings("unchecked") List<Number> losses = (List<Number>) two.get("losses");
        assertEquals(STEPS, losses.size());
        for (int i = 0; i < STEPS; i++) {
            double a = one.losses().get(i), b = losses.get(i).doubleValue();
            assertEquals(a, b, 2e-6 * Math.max(1, Math.abs(a)), "loss at step " + i);
        }
        // The run must have moved the weights, or equality would prove nothing.
        assertTrue(Math.abs(one.losses().getFirst() - one.losses().getLast()) > 1e-3, "training did not change the loss: " + one.losses());
        @SuppressWarnings("unchecked") Map<String, List<Number>> params = (Map<String, List<Number>>) two.get("params");
        assertEquals(one.params().keySet(), params.keySet());
        double worst = 0;
        for (var e : one.params().entrySet()) {
            float[] a = e.getValue();
            List<Number> b = params.get(e.getKey());
            assertEquals(a.length, b.size(), e.getKey());
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b.get(i).doubleValue());
                worst = Math.max(worst, d / Math.max(1, Math.abs(a[i])));
                assertEquals(a[i], b.get(i).doubleValue(), 1e-5 * Math.max(1, Math.abs(a[i])), e.getKey() + "[" + i + "]");
            }
        }
        System.out.printf("%s loss: 1 process vs 2 processes, worst relative weight difference %.2e after %d steps%n", mode, worst, STEPS);
    }

    @Test void deadRankStopsThePeerAndIsNamed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("dead.json");
        int timeout = 20;
        // Rank 1 halts (no clean-up, like a crash or kill -9) at the start of step 2.
        List<Ranks.Exit> exits = Ranks.run(2, dir, 60, out.toString(), "" + STEPS, "" + BATCH, "GLOBAL", "" + timeout, "1", "2");
        assertEquals(7, exits.get(1).code(), exits.get(1).log());
        Ranks.Exit survivor = exits.getFirst();
        assertEquals(3, survivor.code(), "rank 0 should stop with an error:\n" + survivor.log());
        assertTrue(survivor.log().contains("rank 1 is dead"), survivor.log());
        System.out.println("survivor stopped " + (survivor.millis() - exits.get(1).millis()) + " ms after rank 1 died: " + survivor.log().lines().filter(l -> l.startsWith("jclip:")).findFirst().orElse("?"));
        // Measured from the peer's death, not from process start: JVM and libtorch start-up on a loaded
        // machine is not what this checks; stopping before the collective timeout would fire is.
        long afterDeath = survivor.millis() - exits.get(1).millis();
        assertTrue(afterDeath < timeout * 1000L, "rank 0 stopped " + afterDeath + " ms after rank 1 died, more than the timeout");
        assertTrue(!out.toFile().exists(), "no result may be written by a failed run");
    }
}
