package dev.jclip.dist;

import java.util.Map;

/**
 * Where this process sits in a data-parallel job, read from the variables launchers set:
 * {@code torchrun} and {@code scripts/launch} ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK},
 * {@code LOCAL_WORLD_SIZE}, {@code MASTER_ADDR}, {@code MASTER_PORT}) or Slurm's {@code srun}
 * ({@code SLURM_PROCID}, {@code SLURM_NTASKS}, {@code SLURM_LOCALID}, {@code SLURM_NTASKS_PER_NODE},
 * the first host of {@code SLURM_JOB_NODELIST}/{@code SLURM_NODELIST}). torchrun's variables win when
 * both are present (torchrun inside an sbatch allocation).
 *
 * <pre>{@code
 * DistEnv env = DistEnv.fromEnvironment();      // single process when nothing is set
 * if (env.isDistributed()) { ... ProcessGroup.init(env, device, timeout) ... }
 * }</pre>
 *
 * @param rank           global rank in [0, worldSize)
 * @param worldSize      number of processes
 * @param localRank      rank on this machine (picks the GPU: {@code cuda:localRank})
 * @param localWorldSize processes on this machine
 * @param masterAddr     host of rank 0, where the rendezvous store listens
 * @param masterPort     its port
 * @param source         which launcher the values came from: "torchrun", "slurm" or "single"
 */
public record DistEnv(int rank, int worldSize, int localRank, int localWorldSize, String masterAddr, int masterPort, String source) {
    /** torchrun's default port; also used under Slurm when MASTER_PORT is unset. */
    public static final int DEFAULT_PORT = 29500;

    public DistEnv {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " is outside [0, " + worldSize + ")");
        if (localWorldSize < 1 || localRank < 0 || localRank >= localWorldSize) {
            throw new IllegalArgumentException("local rank " + localRank + " is outside [0, " + localWorldSize + ")");
        }
        if (masterPort < 1 || masterPort > 65535) throw new IllegalArgumentException("master port " + masterPort + " is outside 1..65535");
        if (masterAddr == null || masterAddr.isBlank()) throw new IllegalArgumentException("master address is empty");
    }

    /** One process, no peers. */
    public static DistEnv single() { return new DistEnv(0, 1, 0, 1, "127.0.0.1", DEFAULT_PORT, "single"); }

    /** Reads {@link System#getenv()}. */
    public static DistEnv fromEnvironment() { return fromEnvironment(System.getenv()); }

    /** Reads the launcher variables from {@code env}; a partial or malformed set is an error naming the variable. */
    public static DistEnv fromEnvironment(Map<String, String> env) {
        if (has(env, "RANK") || has(env, "WORLD_SIZE")) return torchrun(env);
        if (has(env, "SLURM_PROCID") && has(env, "SLURM_NTASKS")) return slurm(env);
        return single();
    }

    /** Whether the environment names more than one process (or any launcher at all). */
    public static boolean isLaunched(Map<String, String> env) {
        return has(env, "RANK") || has(env, "WORLD_SIZE") || (has(env, "SLURM_PROCID") && has(env, "SLURM_NTASKS"));
    }

    private static DistEnv torchrun(Map<String, String> env) {
        int world = intVar(env, "WORLD_SIZE", null);
        int rank = intVar(env, "RANK", null);
        int localWorld = intVar(env, "LOCAL_WORLD_SIZE", world);
        int localRank = intVar(env, "LOCAL_RANK", rank % localWorld);
        String addr = world == 1 ? env.getOrDefault("MASTER_ADDR", "127.0.0.1") : required(env, "MASTER_ADDR");
        int port = world == 1 ? intVar(env, "MASTER_PORT", DEFAULT_PORT) : intVar(env, "MASTER_PORT", null);
        return new DistEnv(rank, world, localRank, localWorld, addr, port, "torchrun");
    }

    private static DistEnv slurm(Map<String, String> env) {
        int world = intVar(env, "SLURM_NTASKS", null);
        int rank = intVar(env, "SLURM_PROCID", null);
        int localRank = intVar(env, "SLURM_LOCALID", 0);
        int localWorld = has(env, "SLURM_NTASKS_PER_NODE") ? perNode(env.get("SLURM_NTASKS_PER_NODE")) : Math.max(localRank + 1, 1);
        String addr = env.get("MASTER_ADDR");
        if (addr == null || addr.isBlank()) {
            String list = has(env, "SLURM_JOB_NODELIST") ? env.get("SLURM_JOB_NODELIST") : env.get("SLURM_NODELIST");
            if (list == null || list.isBlank()) {
                throw new IllegalArgumentException("Slurm job without MASTER_ADDR, SLURM_JOB_NODELIST or SLURM_NODELIST: cannot find rank 0's host");
            }
            addr = SlurmNodeList.first(list);
        }
        int port = intVar(env, "MASTER_PORT", DEFAULT_PORT);
        return new DistEnv(rank, world, localRank, localWorld, addr, port, "slurm");
    }

    /** {@code SLURM_NTASKS_PER_NODE} looks like {@code 4} or {@code 4(x2),2}: the first count. */
    private static int perNode(String v) {
        String head = v.split("[(,]", 2)[0].trim();
        try {
            return Integer.parseInt(head);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable SLURM_NTASKS_PER_NODE='" + v + "' is not a task count");
        }
    }

    private static boolean has(Map<String, String> env, String k) {
        String v = env.get(k);
        return v != null && !v.isBlank();
    }

    private static String required(Map<String, String> env, String k) {
        if (!has(env, k)) throw new IllegalArgumentException("environment variable " + k + " is not set (needed with RANK/WORLD_SIZE)");
        return env.get(k).trim();
    }

    private static int intVar(Map<String, String> env, String k, Integer dflt) {
        if (!has(env, k)) {
            if (dflt == null) throw new IllegalArgumentException("environment variable " + k + " is not set (needed with RANK/WORLD_SIZE)");
            return dflt;
        }
        String v = env.get(k).trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + k + "='" + v + "' is not an integer");
        }
    }

    /** Whether there are peers. */
    public boolean isDistributed() { return worldSize > 1; }

    /** Whether this is rank 0, the one that writes checkpoints and logs. */
    public boolean isMain() { return rank == 0; }

    @Override public String toString() {
        return "rank " + rank + "/" + worldSize + " (local " + localRank + "/" + localWorldSize + ", master " + masterAddr + ":" + masterPort + ", " + source + ")";
    }
}
