package dev.jclip.dist;

import dev.jclip.torch.Cuda;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Nccl;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import dev.jclip.torch.TorchException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Data-parallel collectives on GPUs through NCCL's C API ({@link Nccl}, FFM only), the rendezvous
 * through c10d's TCPStore protocol ({@link StoreClient}; rank 0 hosts a {@link StoreServer} unless
 * torchrun's agent already hosts the store, {@code TORCHELASTIC_USE_AGENT_STORE=True}). Rank 0 makes
 * the NCCL unique id and publishes it; every rank joins the communicator on its current CUDA device
 * ({@link DeviceAssignment#apply}). Collectives are queued on the current stream and never make the
 * host wait, except {@link #barrier}.
 *
 * <p>A watchdog thread writes this rank's heartbeat to the store, polls
 * {@code ncclCommGetAsyncError}, and when NCCL reports an error or the host has waited on a barrier
 * longer than the timeout, names the rank(s) whose heartbeat stopped or fell behind, aborts the
 * communicator (which releases the hung kernels) and fails every later collective with a
 * {@link PeerFailureException}.
 *
 * <pre>{@code
 * try (NcclBackend b = NcclBackend.init(env, Duration.ofSeconds(60))) {
 *     b.groupStart(); b.allReduceSum(bucket1); b.allReduceSum(bucket2); b.groupEnd();
 * }
 * }</pre>
 */
final class NcclBackend implements AutoCloseable {
    static final Duration BEAT = Duration.ofMillis(300);

    private final DistEnv env;
    private final Duration timeout;
    private final String prefix;
    private final StoreServer server;   // rank 0 without a launcher store, else null
    private final StoreClient store;    // the training thread's connection
    private final StoreClient beats;    // the watchdog's own connection
    private final Nccl.Comm comm;
    private final Device device;
    private final AtomicLong seq = new AtomicLong();
    private final Thread watchdog;
    private volatile long waitingSince; // System.nanoTime() when a barrier started waiting, 0 otherwise
    private volatile PeerFailureException failure;
    private volatile boolean running = true;

    private NcclBackend(DistEnv env, Duration timeout, String prefix, StoreServer server, StoreClient store, StoreClient beats, Nccl.Comm comm, Device device) {
        this.env = env;
        this.timeout = timeout;
        this.prefix = prefix;
        this.server = server;
        this.store = store;
        this.beats = beats;
        this.comm = comm;
        this.device = device;
        this.watchdog = Thread.ofPlatform().daemon().name("jclip-nccl-watchdog-" + env.rank()).unstarted(this::watch);
    }

    /** Joins the job on the calling thread's current CUDA device. */
    static NcclBackend init(DistEnv env, Duration timeout) {
        if (!Nccl.isAvailable()) {
            throw new TorchException("NCCL is not available with this libtorch (" + dev.jclip.torch.LibTorch.get().directory()
                    + "): NCCL needs a CUDA build (a pip PyTorch's torch/lib in external mode, or -Pcuda); train on the CPU with Gloo");
        }
        Device device = Device.cuda(Cuda.currentDevice());
        // torchrun restarts reuse its store: keys of an earlier attempt must not be read as ours.
        String prefix = "jclip/" + System.getenv().getOrDefault("TORCHELASTIC_RESTART_COUNT", "0") + "/";
        boolean agentStore = "True".equalsIgnoreCase(System.getenv("TORCHELASTIC_USE_AGENT_STORE"));
        StoreServer server = env.rank() == 0 && !agentStore ? StoreServer.start(env.masterPort()) : null;
        StoreClient store = null, beats = null;
        try {
            store = connect(env, timeout);
            beats = connect(env, timeout);
            store.set(prefix + "hb/" + env.rank(), "0:0");
            awaitPeers(env, store, prefix, timeout);
            byte[] id;
            if (env.rank() == 0) {
                id = Nccl.uniqueId();
                store.set(prefix + "nccl/uid", id);
            } else {
                id = store.get(prefix + "nccl/uid");
            }
            Nccl.Comm comm = Nccl.initRank(env.worldSize(), id, env.rank());
            NcclBackend b = new NcclBackend(env, timeout, prefix, server, store, beats, comm, device);
            b.watchdog.start();
            return b;
        } catch (RuntimeException e) {
            if (store != null) store.close();
            if (beats != null) beats.close();
            if (server != null) server.close();
            throw e;
        }
    }

    private static StoreClient connect(DistEnv env, Duration timeout) {
        try {
            return StoreClient.connect(env.masterAddr(), env.masterPort(), timeout);
        } catch (StoreClient.StoreException e) {
            throw new PeerFailureException("rank " + env.rank() + " of " + env.worldSize() + ": rank 0 never arrived: " + e.getMessage()
                    + " (is rank 0 running, are MASTER_ADDR/MASTER_PORT right?)", List.of(0), e);
        }
    }

    private static void awaitPeers(DistEnv env, StoreClient store, String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Integer> missing = new ArrayList<>();
            for (int k = 0; k < env.worldSize(); k++) if (!store.check(List.of(prefix + "hb/" + k))) missing.add(k);
            if (missing.isEmpty()) return;
            if (System.nanoTime() > deadline) {
                throw new PeerFailureException("rank " + env.rank() + " of " + env.worldSize() + ": " + label(missing) + " never arrived at "
                        + env.masterAddr() + ":" + env.masterPort() + " within " + timeout.toSeconds() + " s", missing, null);
            }
            try { Thread.sleep(50); } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TorchException("interrupted while waiting for peers", e);
            }
        }
    }

    Device device() { return device; }

    private void live(String what) {
        PeerFailureException f = failure;
        if (f != null) throw new PeerFailureException(f.getMessage() + " (refusing " + what + ")", f.ranks(), f);
        seq.incrementAndGet();
    }

    void groupStart() { live("a collective group"); Nccl.groupStart(); }

    void groupEnd() { Nccl.groupEnd(); }

    void allReduceSum(Tensor t) { live("all-reduce"); comm.allReduce(t, Nccl.Op.SUM); }

    void broadcast(Tensor t, int root) { live("broadcast"); comm.broadcast(t, root); }

    void allGather(Tensor in, Tensor out) { live("all-gather"); comm.allGather(in, out); }

    /** Every rank's queued work up to here is done everywhere; waits at most the timeout (the watchdog aborts after it). */
    void barrier() {
        live("barrier");
        try (Scope s = Scope.open()) {
            Tensor one = Torch.ones(new long[]{1}, DType.F32, device);
            comm.allReduce(one, Nccl.Op.SUM);
            waitingSince = System.nanoTime();
            try {
                Cuda.synchronize(device);
            } finally {
                waitingSince = 0;
            }
        }
        PeerFailureException f = failure;
        if (f != null) throw f;
    }

    private void watch() {
        long beat = 0;
        while (running) {
            try {
                beats.set(prefix + "hb/" + env.rank(), (++beat) + ":" + seq.get());
            } catch (RuntimeException e) {
                if (running && failure == null && env.rank() != 0) fail("rank 0 is gone (the rendezvous store no longer answers: " + e.getMessage() + ")", List.of(0));
                return;
            }
            int err = comm.asyncError();
            if (err != 0 && err != Nccl.IN_PROGRESS && failure == null) {
                fail("NCCL reported '" + Nccl.errorString(err) + "'; " + diagnose(), blamed);
                return;
            }
            long since = waitingSince;
            if (since != 0 && System.nanoTime() - since > timeout.toNanos() && failure == null) {
                fail("a barrier waited longer than " + timeout.toSeconds() + " s; " + diagnose(), blamed);
                return;
            }
            try { Thread.sleep(BEAT.toMillis()); } catch (InterruptedException e) { return; }
        }
    }

    private List<Integer> blamed = List.of();

    /** Which peers stopped beating or fell behind (two snapshots of the heartbeats, four beats apart). */
    private String diagnose() {
        try {
            long[][] a = snapshot();
            Thread.sleep(BEAT.toMillis() * 4);
            long[][] b = snapshot();
            List<Integer> dead = new ArrayList<>(), behind = new ArrayList<>();
            for (int k = 0; k < env.worldSize(); k++) {
                if (k == env.rank()) continue;
                if (a[k][0] == b[k][0]) dead.add(k);
                else if (b[k][1] < seq.get()) behind.add(k);
            }
            List<Integer> all = new ArrayList<>(dead);
            all.addAll(behind);
            blamed = all;
            if (all.isEmpty()) return "every peer is alive and in step";
            StringBuilder m = new StringBuilder();
            if (!dead.isEmpty()) m.append(label(dead)).append(dead.size() == 1 ? " is" : " are").append(" dead (no heartbeat)");
            if (!behind.isEmpty()) m.append(m.isEmpty() ? "" : "; ").append(label(behind)).append(" alive but behind (fewer collectives entered)");
            return m.toString();
        } catch (InterruptedException e) {
            return "interrupted while diagnosing";
        } catch (RuntimeException e) {
            blamed = env.rank() == 0 ? List.of() : List.of(0);
            return env.rank() == 0 ? "the store stopped answering" : "rank 0 is gone (the store it hosts no longer answers)";
        }
    }

    private long[][] snapshot() {
        long[][] r = new long[env.worldSize()][];
        for (int k = 0; k < env.worldSize(); k++) {
            String[] p = new String(beats.get(prefix + "hb/" + k), java.nio.charset.StandardCharsets.UTF_8).split(":");
            r[k] = new long[]{Long.parseLong(p[0]), Long.parseLong(p[1])};
        }
        return r;
    }

    private void fail(String why, List<Integer> ranks) {
        failure = new PeerFailureException("rank " + env.rank() + " of " + env.worldSize() + " (NCCL): " + why, ranks, null);
        try { comm.abort(); } catch (RuntimeException ignored) { /* already gone */ }
    }

    private static String label(List<Integer> ranks) { return ranks.size() == 1 ? "rank " + ranks.getFirst() : "ranks " + ranks; }

    /** Leaves without waiting for anyone: aborts the communicator. */
    void abort() {
        running = false;
        watchdog.interrupt();
        try { comm.abort(); } catch (RuntimeException ignored) { }
        closeStores();
    }

    @Override public void close() {
        running = false;
        watchdog.interrupt();
        try { watchdog.join(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        try {
            if (failure == null) comm.close(); else comm.abort();
        } finally {
            closeStores();
        }
    }

    private void closeStores() {
        store.close();
        beats.close();
        if (server != null) server.close();
    }
}
