package dev.jclip.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * NCCL's own C API through FFM ({@code libnccl.so.2}, which a pip PyTorch's {@code libtorch_cuda}
 * already depends on): no JNI, no Bytedeco CUDA build. Collectives run in place on jclip tensors,
 * queued on the tensors' device's current stream (libtorch's), so they order with the kernels
 * around them without any host synchronisation.
 *
 * <pre>{@code
 * byte[] id = rank == 0 ? Nccl.uniqueId() : fromStore();     // exchanged through the rendezvous store
 * Cuda.setDevice(localRank);
 * try (Nccl.Comm c = Nccl.initRank(world, id, rank)) {
 *     Nccl.groupStart();
 *     for (Tensor b : buckets) c.allReduce(b, Nccl.Op.SUM);
 *     Nccl.groupEnd();
 *     if (c.asyncError() != 0) c.abort();
 * }
 * }</pre>
 */
public final class Nccl {
    /** {@code sizeof(ncclUniqueId)}. */
    public static final int UNIQUE_ID_BYTES = 128;
    /** {@code ncclInProgress}: a non-blocking communicator's call has not finished yet. */
    public static final int IN_PROGRESS = 7;

    private Nccl() {}

    /** {@code ncclRedOp_t}. */
    public enum Op {
        SUM(0), PROD(1), MAX(2), MIN(3), AVG(4);
        final int code;
        Op(int code) { this.code = code; }
    }

    /** Whether libnccl's entry points were found next to (or through) libtorch_cuda. */
    public static boolean isAvailable() {
        return LibTorch.get().isCudaBuild() && NativeLinker.find("ncclCommInitRank").isPresent();
    }

    /** NCCL's version code ({@code 22703} for 2.27.3). */
    public static int version() {
        require();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check(NativeApi.ncclGetVersion(v), "ncclGetVersion");
            return v.get(JAVA_INT, 0);
        }
    }

    /** A fresh communicator id (rank 0 makes it, every rank passes the same bytes to {@link #initRank}). */
    public static byte[] uniqueId() {
        require();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(NativeApi.NCCL_UNIQUE_ID);
            check(NativeApi.ncclGetUniqueId(id), "ncclGetUniqueId");
            return id.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Joins communicator {@code id} as {@code rank} of {@code nranks} on the calling thread's
     * current CUDA device ({@link Cuda#setDevice}); blocks until every rank has joined.
     */
    public static Comm initRank(int nranks, byte[] id, int rank) {
        require();
        if (id.length != UNIQUE_ID_BYTES) throw new IllegalArgumentException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, got " + id.length);
        if (nranks < 1 || rank < 0 || rank >= nranks) throw new IllegalArgumentException("bad NCCL rank " + rank + " of " + nranks);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            MemorySegment uid = a.allocate(NativeApi.NCCL_UNIQUE_ID);
            MemorySegment.copy(MemorySegment.ofArray(id), 0, uid, 0, UNIQUE_ID_BYTES);
            check(NativeApi.ncclCommInitRank(out, nranks, uid, rank), "ncclCommInitRank(rank " + rank + " of " + nranks + ")");
            return new Comm(out.get(ADDRESS, 0), nranks, rank);
        }
    }

    /** Starts a group: collectives until {@link #groupEnd} are launched together (one launch for many buckets). */
    public static void groupStart() { require(); check(NativeApi.ncclGroupStart(), "ncclGroupStart"); }

    public static void groupEnd() { check(NativeApi.ncclGroupEnd(), "ncclGroupEnd"); }

    /** {@code ncclDataType_t} of a jclip dtype. */
    static int dataType(DType d) {
        return switch (d) {
            case I8 -> 0; case U8 -> 1; case I32 -> 2; case I64 -> 4;
            case F16 -> 6; case F32 -> 7; case F64 -> 8; case BF16 -> 9;
            default -> throw new TorchException("NCCL has no data type for " + d);
        };
    }

    /** NCCL's text for a result code. */
    public static String errorString(int result) {
        if (NativeLinker.find("ncclGetErrorString").isEmpty()) return "ncclResult " + result;
        MemorySegment s = NativeApi.ncclGetErrorString(result);
        return s.equals(MemorySegment.NULL) ? "ncclResult " + result : s.reinterpret(4096).getString(0) + " (" + result + ")";
    }

    static void check(int rc, String what) {
        if (rc != 0) throw new TorchException(what + " failed: " + errorString(rc));
    }

    private static void require() {
        if (!isAvailable()) {
            throw new TorchException("NCCL is not available: no ncclCommInitRank in libtorch_cuda's dependencies at " + LibTorch.get().directory()
                    + (LibTorch.get().isCudaBuild() ? " (set JCLIP_NCCL to libnccl.so.2)" : " (a CPU build: use Gloo)"));
        }
    }

    /** A communicator: one rank's end. Close destroys it; {@link #abort} is the way out of a hang. */
    public static final class Comm implements AutoCloseable {
        private volatile MemorySegment comm;
        private final int size;
        private final int rank;

        private Comm(MemorySegment comm, int size, int rank) {
            this.comm = comm;
            this.size = size;
            this.rank = rank;
        }

        public int size() { return size; }
        public int rank() { return rank; }

        private MemorySegment live() {
            MemorySegment c = comm;
            if (c == null) throw new TorchException("NCCL communicator (rank " + rank + " of " + size + ") is closed or aborted");
            return c;
        }

        private static void requireCudaDense(Tensor t, String what) {
            if (!t.device().isCuda()) throw new TorchException("NCCL " + what + " needs a CUDA tensor, got " + t.describe());
            if (!t.isContiguous()) throw new TorchException("NCCL " + what + " needs a contiguous tensor, got " + t.describe());
        }

        /** In-place reduction of {@code t} over all ranks, queued on its device's current stream. */
        public void allReduce(Tensor t, Op op) {
            requireCudaDense(t, "all-reduce");
            MemorySegment p = MemorySegment.ofAddress(t.dataAddress());
            check(NativeApi.ncclAllReduce(p, p, t.numel(), dataType(t.dtype()), op.code, live(), Cuda.currentStream(t.device())),
                    "ncclAllReduce of " + t.describe());
        }

        /** Overwrites {@code t} with rank {@code root}'s values. */
        public void broadcast(Tensor t, int root) {
            requireCudaDense(t, "broadcast");
            MemorySegment p = MemorySegment.ofAddress(t.dataAddress());
            check(NativeApi.ncclBroadcast(p, p, t.numel(), dataType(t.dtype()), root, live(), Cuda.currentStream(t.device())),
                    "ncclBroadcast of " + t.describe() + " from rank " + root);
        }

        /** Every rank's {@code in} into {@code out} ({@code size} times as many elements), in rank order. */
        public void allGather(Tensor in, Tensor out) {
            requireCudaDense(in, "all-gather");
            requireCudaDense(out, "all-gather");
            if (out.numel() != in.numel() * size || out.dtype() != in.dtype()) {
                throw new TorchException("NCCL all-gather of " + in.describe() + " needs an output of " + (in.numel() * size) + " " + in.dtype()
                        + " elements, got " + out.describe());
            }
            check(NativeApi.ncclAllGather(MemorySegment.ofAddress(in.dataAddress()), MemorySegment.ofAddress(out.dataAddress()), in.numel(),
                    dataType(in.dtype()), live(), Cuda.currentStream(in.device())), "ncclAllGather of " + in.describe());
        }

        /** The communicator's asynchronous error: 0 (ncclSuccess), {@link #IN_PROGRESS}, or a failure code. Safe from a watchdog thread. */
        public int asyncError() {
            MemorySegment c = comm;
            if (c == null) return 0;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(JAVA_INT);
                check(NativeApi.ncclCommGetAsyncError(c, out), "ncclCommGetAsyncError");
                return out.get(JAVA_INT, 0);
            }
        }

        /** Stops every outstanding operation and frees the communicator (the way out of a hung collective); callable from any thread. */
        public synchronized void abort() {
            MemorySegment c = comm;
            if (c == null) return;
            comm = null;
            check(NativeApi.ncclCommAbort(c), "ncclCommAbort");
        }

        /** Destroys the communicator after its queued work (ncclCommDestroy). */
        @Override public synchronized void close() {
            MemorySegment c = comm;
            if (c == null) return;
            comm = null;
            check(NativeApi.ncclCommDestroy(c), "ncclCommDestroy");
        }
    }
}
