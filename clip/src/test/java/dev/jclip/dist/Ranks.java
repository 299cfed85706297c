package dev.jclip.dist;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Spawns ranks as separate JVMs on 127.0.0.1 running {@link DistTrainWorker} (test helper). */
final class Ranks {
    private Ranks() {}

    record Exit(int rank, int code, String log, long millis) {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    /** Runs {@code world} workers with {@code args}, waits at most {@code limitSeconds}; returns each exit. */
    static List<Exit> run(int world, Path dir, long limitSeconds, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port = freePort();
        List<Process> ps = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int r = 0; r < world; r++) {
            List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), DistTrainWorker.class.getName()));
            cmd.addAll(List.of(args));
            Path log = dir.resolve("rank" + r + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("RANK", "" + r);
            env.put("WORLD_SIZE", "" + world);
            env.put("LOCAL_RANK", "" + r);
            env.put("LOCAL_WORLD_SIZE", "" + world);
            env.put("MASTER_ADDR", "127.0.0.1");
            env.put("MASTER_PORT", "" + port);
            env.put("OMP_NUM_THREADS", "1");
            ps.add(pb.start());
            logs.add(log);
        }
        // When each process ended, taken as it ends (not when this thread gets round to asking).
        long[] endedAt = new long[world];
        List<java.util.concurrent.CompletableFuture<?>> ended = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            int rank = r;
            ended.add(ps.get(r).onExit().thenRun(() -> endedAt[rank] = System.nanoTime()));
        }
        List<Exit> exits = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        for (int r = 0; r < world; r++) {
            Process p = ps.get(r);
            long left = Math.max(1, deadline - System.nanoTime());
            boolean done = p.waitFor(left, TimeUnit.NANOSECONDS);
            if (!done) {
                ps.forEach(Process::destroyForcibly);
                throw new AssertionError("rank " + r + " still running after " + limitSeconds + " s; log:\n" + Files.readString(logs.get(r)));
            }
            ended.get(r).get(10, TimeUnit.SECONDS);
            exits.add(new Exit(r, p.exitValue(), Files.readString(logs.get(r)), (endedAt[r] - t0) / 1_000_000));
        }
        return exits;
    }
}
