package dev.jclip.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/launch} (bash) end to end with shell commands as ranks: each rank gets its
 * variables and a {@code [rank k]} prefix on every line; a failing rank stops the others and its
 * exit code becomes launch's.
 */
class LaunchScriptTest {
    /** The repository root: tests run in the module folder ({@code clip/}). */
    static Path script() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/launch"))) return d.resolve("scripts/launch");
        }
        throw new AssertionError("scripts/launch not found above " + p);
    }

    record Run(int code, String output, long millis) {}

    static Run launch(Path dir, long limitSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script().toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("launch.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JCLIP_LAUNCH_GRACE", "2");
        pb.environment().remove("OMP_NUM_THREADS");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("launch still running after " + limitSeconds + " s:\n" + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log), (System.nanoTime() - t0) / 1_000_000);
    }

    @Test void everyRankGetsItsVariablesAndPrefix(@TempDir Path dir) throws Exception {
        int port = Ranks.freePort();
        Run r = launch(dir, 30, "--nproc", "2", "--master", "127.0.0.1:" + port, "--", "bash", "-c",
                "echo \"rank=$RANK local=$LOCAL_RANK world=$WORLD_SIZE lws=$LOCAL_WORLD_SIZE master=$MASTER_ADDR:$MASTER_PORT omp=$OMP_NUM_THREADS\"; echo second line");
        assertEquals(0, r.code(), r.output());
        int omp = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        for (int k = 0; k < 2; k++) {
            String expect = "[rank " + k + "] rank=" + k + " local=" + k + " world=2 lws=2 master=127.0.0.1:" + port + " omp=" + omp;
            assertTrue(r.output().lines().anyMatch(expect::equals), "missing '" + expect + "' in:\n" + r.output());
            assertTrue(r.output().lines().anyMatch(("[rank " + k + "] second line")::equals), r.output());
        }
        assertFalse(r.output().lines().anyMatch(l -> !l.startsWith("[rank ")), "unprefixed output:\n" + r.output());
    }

    @Test void secondNodeNumbersItsRanksAfterTheFirst(@TempDir Path dir) throws Exception {
        Run r = launch(dir, 30, "--nproc", "2", "--nnodes", "2", "--node-rank", "1", "--master", "10.0.0.1:29555", "--", "bash", "-c",
                "echo \"rank=$RANK local=$LOCAL_RANK world=$WORLD_SIZE\"");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("[rank 2] rank=2 local=0 world=4"), r.output());
        assertTrue(r.output().contains("[rank 3] rank=3 local=1 world=4"), r.output());
    }

    @Test void aFailingRankStopsTheOtherAndItsCodeIsReturned(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("rank0.pid");
        // Rank 0 would run for a minute; rank 1 fails with code 5 after half a second.
        Run r = launch(dir, 30, "--nproc", "2", "--master", "127.0.0.1:" + Ranks.freePort(), "--", "bash", "-c",
                "if [ \"$RANK\" = 1 ]; then sleep 0.5; echo failing; exit 5; fi; echo $$ > " + pidFile + "; echo rank 0 running; sleep 60; echo survived");
        assertEquals(5, r.code(), r.output());
        assertTrue(r.output().contains("[rank 1] failing"), r.output());
        assertTrue(r.output().contains("launch: rank 1 exited with code 5; stopping the other ranks"), r.output());
        assertFalse(r.output().contains("survived"), r.output());
        // Printed before it was stopped: the prefixer passes each line on at once (mawk would hold it back and lose it).
        assertTrue(r.output().contains("[rank 0] rank 0 running"), r.output());
        assertTrue(r.millis() < 15_000, "launch took " + r.millis() + " ms");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        // The stopped rank may linger a moment as a zombie until its new parent reaps it.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(50);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "rank 0 (pid " + pid + ") still runs");
    }

    @Test void badArgumentsAreRefusedWithUsage(@TempDir Path dir) throws Exception {
        Run r = launch(dir, 10, "--nproc", "0", "--", "true");
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("--nproc must be a positive integer"), r.output());
    }
}
