package dev.jclip.dist;

import dev.jclip.torch.Device;
import dev.jclip.torch.JniBridge;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.TorchException;
import dev.jclip.torch.Torch;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllgatherOptions;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A c10d process group: on the CPU, Gloo over PyTorch's own runtime (through Bytedeco's JNI
 * presets) with a {@code TCPStore} rendezvous hosted by rank 0; on GPUs, NCCL's C API through FFM
 * ({@link NcclBackend}: no JNI, works over a pip PyTorch's {@code torch/lib}). Collectives work in
 * place on jclip tensors (no copies: the JNI view points at the same {@code at::Tensor}). A peer
 * that never arrives, dies or hangs turns into a {@link PeerFailureException} naming it, within the
 * timeout. With one process ({@code worldSize == 1}) every collective is a no-op, so training code
 * needs no special case.
 *
 * <pre>{@code
 * try (ProcessGroup pg = ProcessGroup.init(DistEnv.fromEnvironment(), Device.CPU, Duration.ofSeconds(60))) {
 *     pg.allReduceSum(t);                 // in place
 *     Tensor all = pg.allGather(features); // [world * b, D]
 * }
 * }</pre>
 */
public final class ProcessGroup implements AutoCloseable {
    private static final String ARRIVED = "jclip/hb/";

    private final DistEnv env;
    private final DistBackend backendKind;
    private final Duration timeout;
    private final TCPStore store;
    private final Backend backend;
    private final PeerMonitor monitor;
    private final NcclBackend nccl; // the GPU path; then store, backend and monitor are null
    private boolean broken;
    private boolean closed;

    private ProcessGroup(DistEnv env, DistBackend kind, Duration timeout, TCPStore store, Backend backend, PeerMonitor monitor) {
        this(env, kind, timeout, store, backend, monitor, null);
    }

    private ProcessGroup(DistEnv env, DistBackend kind, Duration timeout, TCPStore store, Backend backend, PeerMonitor monitor, NcclBackend nccl) {
        this.nccl = nccl;
        this.env = env;
        this.backendKind = kind;
        this.timeout = timeout;
        this.store = store;
        this.backend = backend;
        this.monitor = monitor;
    }

    /** A group of one: every collective returns at once. */
    public static ProcessGroup single() {
        return new ProcessGroup(DistEnv.single(), DistBackend.GLOO, Duration.ofSeconds(1), null, null, null);
    }

    /** Joins the job described by {@code env} with the backend for {@code device}. */
    public static ProcessGroup init(DistEnv env, Device device, Duration timeout) {
        return init(env, DistBackend.forDevice(device), timeout);
    }

    /**
     * Joins the job: rank 0 hosts the store at {@code MASTER_ADDR:MASTER_PORT}, every rank announces
     * itself and waits for all others (at most {@code timeout}), then the backend connects its mesh.
     */
    public static ProcessGroup init(DistEnv env, DistBackend kind, Duration timeout) {
        if (!env.isDistributed()) return new ProcessGroup(env, kind, timeout, null, null, null);
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        if (kind == DistBackend.NCCL) return new ProcessGroup(env, kind, timeout, null, null, null, NcclBackend.init(env, timeout));
        TCPStore store = openStore(env, timeout);
        try {
            store.set(ARRIVED + env.rank(), "0:0");
            awaitPeers(env, store, timeout);
            Backend backend = gloo(env, store, timeout);
            PeerMonitor monitor = PeerMonitor.start(env, timeout);
            return new ProcessGroup(env, kind, timeout, store, backend, monitor);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static TCPStore openStore(DistEnv env, Duration timeout) {
        Loader.load(org.bytedeco.pytorch.global.torch.class);
        TCPStoreOptions o = new TCPStoreOptions();
        o.port((short) env.masterPort());
        o.isServer(env.rank() == 0);
        o.numWorkers(new SizeTPointer(1).put(env.worldSize()));
        o.waitWorkers(false); // we wait ourselves, to name the missing ranks
        o.timeout(new Milliseconds(timeout.toMillis()));
        try {
            return new TCPStore(env.masterAddr(), o);
        } catch (RuntimeException e) {
            if (env.rank() == 0) {
                throw new TorchException("rank 0 could not host the rendezvous store on " + env.masterAddr() + ":" + env.masterPort()
                        + " (port in use by another job? pick another MASTER_PORT): " + PeerMonitor.firstLine(e), e);
            }
            throw new PeerFailureException("rank " + env.rank() + " of " + env.worldSize() + ": rank 0 never arrived: no rendezvous store at "
                    + env.masterAddr() + ":" + env.masterPort() + " within " + timeout.toSeconds() + " s (is rank 0 running, "
                    + "are MASTER_ADDR/MASTER_PORT right?): " + PeerMonitor.firstLine(e), List.of(0), e);
        }
    }

    private static void awaitPeers(DistEnv env, TCPStore store, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Integer> missing = new ArrayList<>();
            for (int k = 0; k < env.worldSize(); k++) {
                try (StringVector key = new StringVector(ARRIVED + k)) {
                    if (!store.check(key)) missing.add(k);
                }
            }
            if (missing.isEmpty()) return;
            if (System.nanoTime() > deadline) {
                throw new PeerFailureException("rank " + env.rank() + " of " + env.worldSize() + ": " + (missing.size() == 1 ? "rank " + missing.getFirst()
                        : "ranks " + missing) + " never arrived at " + env.masterAddr() + ":" + env.masterPort() + " within "
                        + timeout.toSeconds() + " s", missing, null);
            }
            try { Thread.sleep(50); } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TorchException("interrupted while waiting for peers", e);
            }
        }
    }

    private static Backend gloo(DistEnv env, TCPStore store, Duration timeout) {
        Loader.load(org.bytedeco.pytorch.global.torch_gloo.class);
        ProcessGroupGloo.Options o = new ProcessGroupGloo.Options(new Milliseconds(timeout.toMillis()));
        o.devices().push_back(glooDevice(env));
        try {
            return new ProcessGroupGloo(store, env.rank(), env.worldSize(), o);
        } catch (RuntimeException e) {
            throw new PeerFailureException("rank " + env.rank() + ": Gloo could not connect to every peer within " + timeout.toSeconds()
                    + " s: " + PeerMonitor.firstLine(e), List.of(), e);
        }
    }

    /**
     * The interface Gloo listens on: {@code GLOO_SOCKET_IFNAME} when set (as in PyTorch), loopback
     * when the master is on loopback (single-machine jobs), otherwise the address this host's name
     * resolves to.
     */
    private static org.bytedeco.pytorch.gloo.Device glooDevice(DistEnv env) {
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        if (ifname != null && !ifname.isBlank()) return ProcessGroupGloo.createDeviceForInterface(ifname.split(",")[0].trim());
        try {
            if (InetAddress.getByName(env.masterAddr()).isLoopbackAddress()) return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
        } catch (java.net.UnknownHostException e) {
            throw new TorchException("MASTER_ADDR '" + env.masterAddr() + "' does not resolve", e);
        }
        return ProcessGroupGloo.createDefaultDevice();
    }

    public DistEnv env() { return env; }
    public int rank() { return env.rank(); }
    public int worldSize() { return env.worldSize(); }
    public boolean isMain() { return env.isMain(); }
    public DistBackend backend() { return backendKind; }
    public Duration timeout() { return timeout; }

    // ---- collectives ----

    /** A launched collective; {@link #await()} blocks until it is done (and throws when it failed). */
    public final class Pending {
        private final String what;
        private final Work work;
        private final AutoCloseable[] holds;

        private Pending(String what, Work work, AutoCloseable... holds) {
            // NCCL work is ordered on the GPU stream: nothing for the host to wait for
            this.what = what;
            this.work = work;
            this.holds = holds;
        }

        public void await() {
            if (work == null) return;
            try {
                work._wait();
            } catch (RuntimeException e) {
                throw fail(what, e);
            } finally {
                release();
            }
        }

        private void release() {
            work.close();
            for (AutoCloseable h : holds) { try { h.close(); } catch (Exception ignored) { } }
        }
    }

    /**
     * Runs {@code launches} as one NCCL group (one launch for many buckets, as DDP does); with Gloo
     * the collectives simply run one after the other.
     */
    public void group(Runnable launches) {
        if (nccl == null) { launches.run(); return; }
        nccl.groupStart();
        try {
            launches.run();
        } finally {
            nccl.groupEnd();
        }
    }

    /** Runs {@code op} on the NCCL backend with the same checks and failure handling as a Gloo collective. */
    private Pending ncclLaunch(String what, Runnable op) {
        if (closed) throw new TorchException("process group is closed");
        if (broken) throw new TorchException("process group is broken by an earlier failure; no more collectives");
        try {
            op.run();
            return new Pending(what, null);
        } catch (RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    private Pending launch(String what, Supplier<Work> op, AutoCloseable... holds) {
        if (closed) throw new TorchException("process group is closed");
        if (broken) throw new TorchException("process group is broken by an earlier failure; no more collectives");
        if (backend == null) return new Pending(what, null);
        monitor.entered();
        try {
            return new Pending(what, op.get(), holds);
        } catch (RuntimeException e) {
            throw fail(what, e);
        }
    }

    private RuntimeException fail(String what, RuntimeException e) {
        broken = true;
        if (e instanceof TorchException te) return te;
        return monitor.diagnose(what, e);
    }

    private static void requireDense(Tensor t, String what) {
        if (!t.isContiguous()) throw new TorchException(what + " needs a contiguous tensor, got " + t.describe() + " strides "
                + java.util.Arrays.toString(t.strides()));
    }

    /** Starts an in-place sum of {@code t} over all ranks ({@code what} names it in errors). */
    public Pending allReduceSumAsync(Tensor t, String what) {
        requireDense(t, "all-reduce");
        if (nccl != null) return ncclLaunch(what, () -> nccl.allReduceSum(t));
        if (backend == null) return new Pending(what, null);
        TensorVector tv = new TensorVector(JniBridge.view(t));
        AllreduceOptions o = new AllreduceOptions();
        o.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
        return launch(what, () -> backend.allreduce(tv, o), tv, o);
    }

    /** In-place sum of {@code t} over all ranks. */
    public void allReduceSum(Tensor t) { allReduceSumAsync(t, "all-reduce of " + t.describe()).await(); }

    /** The rows of every rank's {@code local} stacked in rank order: {@code [world * b, ...]}; equal shapes required. */
    public Tensor allGather(Tensor local) {
        requireDense(local, "all-gather");
        long[] shape = local.shape();
        if (shape.length == 0) throw new TorchException("all-gather needs at least one dimension, got a 0-dim tensor");
        if (backend == null && nccl == null) return local.copy();
        shape[0] *= env.worldSize();
        Tensor out = Torch.empty(shape, local.dtype(), local.device());
        try {
            if (nccl != null) {
                ncclLaunch("all-gather of " + local.describe(), () -> nccl.allGather(local, out));
                return out;
            }
            AllgatherOptions o = new AllgatherOptions();
            var outView = JniBridge.view(out);
            var inView = JniBridge.view(local);
            launch("all-gather of " + local.describe(), () -> backend._allgather_base(outView, inView, o), o).await();
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Overwrites {@code t} on every rank with rank {@code root}'s values. */
    public void broadcast(Tensor t, int root) {
        requireDense(t, "broadcast");
        if (root < 0 || root >= env.worldSize()) throw new IllegalArgumentException("root rank " + root + " is outside [0, " + env.worldSize() + ")");
        if (nccl != null) { ncclLaunch("broadcast of " + t.describe() + " from rank " + root, () -> nccl.broadcast(t, root)); return; }
        if (backend == null) return;
        TensorVector tv = new TensorVector(JniBridge.view(t));
        BroadcastOptions o = new BroadcastOptions();
        o.rootRank(root);
        launch("broadcast of " + t.describe() + " from rank " + root, () -> backend.broadcast(tv, o), tv, o).await();
    }

    /** Returns once every rank got here. */
    public void barrier() {
        if (nccl != null) { ncclLaunch("barrier", nccl::barrier); return; }
        if (backend == null) return;
        launch("barrier", backend::barrier).await();
    }

    /**
     * Leaves the job after a local failure without meeting the others at the closing barrier: they
     * may be inside a collective this rank will never join, and waiting for them would only delay
     * the non-zero exit that lets the launcher stop them. {@code close()} afterwards does nothing.
     */
    public void abort() {
        broken = true;
        if (nccl != null && !closed) { closed = true; nccl.abort(); return; }
        close();
    }

    /**
     * Leaves the job. After a normal run all ranks meet at a barrier first, so rank 0 (the store's
     * host) does not vanish while others still talk to it; after a failure nobody waits.
     */
    @Override public void close() {
        if (closed) return;
        if (nccl != null) {
            try {
                if (!broken) { try { nccl.barrier(); } catch (RuntimeException ignored) { /* a peer died at the very end */ } }
            } finally {
                closed = true;
                nccl.close();
            }
            return;
        }
        try {
            if (backend != null && !broken) {
                try { barrier(); } catch (RuntimeException ignored) { /* a peer died at the very end: nothing left to protect */ }
                monitor.markLeft();
            }
        } finally {
            closed = true;
            if (monitor != null) monitor.close();
            if (backend != null) backend.close();
            if (store != null) store.close();
        }
    }
}
