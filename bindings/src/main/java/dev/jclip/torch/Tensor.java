package dev.jclip.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A libtorch tensor: an owning handle to an {@code at::Tensor}. Closing frees it; a {@link Scope}
 * closes every tensor created inside it except those kept; a {@link Cleaner} is only the safety net
 * for tensors living outside any scope. Using a closed tensor throws {@link TorchException}.
 *
 * <pre>{@code
 * try (Scope s = Scope.open()) {
 *     Tensor a = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
 *     Tensor b = a.matmul(a).add(1.0).softmax(-1);
 *     float[] out = b.toFloatArray();
 * }
 * }</pre>
 *
 * Creation lives in {@link Torch}, nn functions in {@link F}; this class has the metadata, data
 * access and the per-tensor methods (each a thin call into the generated {@link Ops}).
 */
public final class Tensor implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LIVE = new AtomicLong();
    private static final boolean DEBUG = Boolean.getBoolean("jclip.debugTensors");

    /**
     * The native handle, shared with the Cleaner action (which must not reach the Tensor). Every
     * native use of the handle is bracketed by {@link #acquire()} / {@link #release()}; closing
     * sets the CLOSED bit and the handle is deleted by whoever leaves the state at exactly CLOSED
     * (the closer when no use is in flight, else the last use): a close racing a use on another
     * thread ends in "use of a closed tensor" for the user, never a freed handle in libtorch.
     */
    private static final class Ref implements Runnable {
        private static final long CLOSED = 1L << 62;
        private static final VarHandle ADDR;
        static {
            try { ADDR = MethodHandles.lookup().findVarHandle(Ref.class, "address", long.class); }
            catch (ReflectiveOperationException e) { throw new ExceptionInInitializerError(e); }
        }
        @SuppressWarnings("unused") private volatile long address;
        /** CLOSED bit plus the number of uses in flight. */
        private final AtomicLong state = new AtomicLong();
        Ref(long address) { this.address = address; }
        long get() { return (state.get() & CLOSED) != 0 ? 0 : address; }

        /** The address for one use, or 0 when closed. */
        long acquire() {
            for (;;) {
                long s = state.get();
                if ((s & CLOSED) != 0) return 0;
                if (state.compareAndSet(s, s + 1)) return address;
            }
        }

        void release() {
            if (state.decrementAndGet() == CLOSED) free();
        }

        @Override public void run() {
            long s = state.getAndUpdate(x -> x | CLOSED);
            if (s == 0) free();
        }

        private void free() {
            long a = (long) ADDR.getAndSet(this, 0L);
            if (a != 0) {
                NativeApi.aoti_torch_delete_tensor_object(MemorySegment.ofAddress(a));
                LIVE.decrementAndGet();
            }
        }
    }

    private final Ref ref;
    Scope scope;
    private Cleaner.Cleanable cleanable;
    private Arena viewArena;
    private MemorySegment backing;
    private boolean readOnly;
    private final Throwable createdAt;
    private Throwable closedAt;

    private Tensor(long address, boolean managed) {
        this.ref = new Ref(address);
        this.createdAt = DEBUG ? new Throwable("tensor created here") : null;
        LIVE.incrementAndGet();
        if (!managed) return;
        Scope s = Scope.current();
        if (s != null) s.add(this);
        else cleanable = CLEANER.register(this, ref);
    }

    /** Wraps an owning handle returned by libtorch. */
    static Tensor adopt(long address) {
        if (address == 0) throw new TorchException("libtorch returned a null tensor handle");
        return new Tensor(address, true);
    }

    /** Wraps a handle the caller closes itself right away (no scope, no Cleaner): short temporaries. */
    static Tensor adoptTemporary(long address) {
        if (address == 0) throw new TorchException("libtorch returned a null tensor handle");
        return new Tensor(address, false);
    }

    static Tensor adopt(MemorySegment outSlot) { return adopt(outSlot.get(JAVA_LONG, 0)); }

    /** Number of tensors currently alive (not closed) in this JVM. */
    public static long liveCount() { return LIVE.get(); }

    // ---- lifetime ----

    /** Frees the native tensor now. Idempotent. */
    @Override public void close() {
        if (DEBUG && closedAt == null) closedAt = new Throwable("tensor closed here");
        Arena va = viewArena;
        if (va != null) {
            viewArena = null;
            // A shared arena refuses to close while another thread is reading the view: retry briefly.
            for (int i = 0; ; i++) {
                try { va.close(); break; }
                catch (IllegalStateException busy) {
                    if (!va.scope().isAlive() || i > 1_000_000) break;
                    Thread.onSpinWait();
                }
            }
        }
        if (cleanable != null) cleanable.clean(); else ref.run();
    }

    public boolean isClosed() { return ref.get() == 0; }

    /**
     * Whether this tensor's memory is gone: it is closed, or it views a {@link Torch#fromSegment}
     * segment whose arena was closed (using it would throw).
     */
    public boolean isReleased() { return isClosed() || (backing != null && !backing.scope().isAlive()); }

    /** Detaches this tensor from its scope: it survives the scope's close and is freed by {@link #close()} (or the Cleaner). */
    public Tensor keep() {
        if (scope != null) scope.release(this);
        return this;
    }

    /**
     * Detaches this tensor from every enclosing scope (not only the innermost, as {@link #keep()}
     * does): only {@link #close()} (or, as a last resort, the Cleaner) frees it. For long-lived
     * tensors such as model parameters created while a scope happens to be open.
     *
     * <pre>{@code
     * try (Scope s = Scope.open(); Scope inner = Scope.open()) {
     *     weight = Torch.zeros(DType.F32, 4, 4).persist();   // survives both scopes
     * }
     * }</pre>
     */
    public Tensor persist() {
        while (scope != null) scope.release(this);
        return this;
    }

    void leaveScopeToParent(Scope parent) {
        scope = null;
        if (parent != null) parent.add(this);
        else if (cleanable == null && ref.get() != 0) cleanable = CLEANER.register(this, ref);
    }

    /**
     * The handle for one native use; throws if closed (or if its backing memory is gone). Every
     * call must be paired with {@link #release()} in a {@code finally}: until then a concurrent
     * {@link #close()} only marks the tensor closed and the handle stays valid.
     */
    MemorySegment acquire() {
        long a = ref.acquire();
        if (a == 0) throw closedError("tensor");
        requireBackingAlive();
        return MemorySegment.ofAddress(a);
    }

    void release() { ref.release(); }

    /** {@link #acquire()} naming the op and argument in the closed-tensor message. */
    void acquireFor(OpHandle op, int i) {
        if (ref.acquire() == 0) {
            throw closedError("tensor passed to " + op + " as argument " + i + " '" + op.schema.args().get(i).name() + "'");
        }
        requireBackingAlive();
    }

    /** After a successful {@code ref.acquire()}: refuses (and releases) a tensor whose backing arena is closed. */
    private void requireBackingAlive() {
        if (backing != null && !backing.scope().isAlive()) {
            ref.release();
            throw freedError();
        }
    }

    /** Checks that the handle is usable now (no hold: for messages and non-owning views). */
    MemorySegment handle() {
        MemorySegment h = acquire();
        release();
        return h;
    }

    /** The memory this tensor views when made by {@link Torch#fromSegment} (or derived from one), else null. */
    MemorySegment backing() { return backing; }

    /** Why a tensor over a {@link Torch#fromSegment} segment cannot be used (also {@link KeepAlive}'s message). */
    static final String FREED_MESSAGE = "tensor's memory segment was freed (its arena is closed); a tensor made with "
            + "Torch.fromSegment, and every view of it, must not outlive the segment's arena";

    private static TorchException freedError() { return new TorchException(FREED_MESSAGE); }

    private TorchException closedError(String what) {
        TorchException e = new TorchException("use of a closed " + what
                + (DEBUG ? "" : " (run with -Djclip.debugTensors=true to record where it was created and closed)"));
        if (createdAt != null) e.addSuppressed(createdAt);
        if (closedAt != null) e.addSuppressed(closedAt);
        return e;
    }

    /** A new owning handle to this tensor (what the dispatcher consumes). */
    long newHandle() { return newHandle(Dispatch.FRAME.get()); }

    /** {@link #newHandle()} with the caller's frame (the dispatcher has it already: one ThreadLocal lookup per call). */
    long newHandle(Dispatch.Frame f) {
        MemorySegment out = f.out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_new_tensor_handle(h, out), "aoti_torch_new_tensor_handle");
        } finally {
            release();
        }
        return out.get(JAVA_LONG, 0);
    }

    void setBacking(MemorySegment segment) {
        this.backing = segment;
        if (segment.isReadOnly()) readOnly = true;
    }

    /**
     * Whether this tensor is a zero-copy view of read-only memory (for example a memory-mapped
     * checkpoint), or a view derived from one: ops that would write to it throw instead of crashing.
     */
    public boolean isReadOnly() { return readOnly; }

    void markReadOnly() { readOnly = true; }

    private void requireWritable(String op) {
        if (readOnly) throw new TorchException(op + ": tensor " + describe() + " is read-only (a zero-copy view of "
                + "read-only memory such as a memory-mapped checkpoint); write to a copy() instead");
    }

    // ---- metadata (each native read brackets the handle with acquire/release) ----

    public int dim() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_get_dim(h, out), "aoti_torch_get_dim");
            return (int) out.get(JAVA_LONG, 0);
        } finally { release(); }
    }

    public long[] shape() { return perDim(NativeApi::aoti_torch_get_sizes, "aoti_torch_get_sizes"); }

    /** Size of dimension {@code d} (negative counts from the end). */
    public long size(int d) {
        long[] s = shape();
        return s[Math.floorMod(d, Math.max(1, s.length))];
    }

    public long[] strides() { return perDim(NativeApi::aoti_torch_get_strides, "aoti_torch_get_strides"); }

    /** A native getter that stores a pointer to {@code dim()} longs into {@code out}. */
    private interface PerDimGetter { int get(MemorySegment handle, MemorySegment out); }

    /** The {@code dim()} longs {@code getter} points at (sizes or strides). */
    private long[] perDim(PerDimGetter getter, String name) {
        MemorySegment h = acquire();
        try {
            MemorySegment out = Dispatch.FRAME.get().out;
            Dispatch.check(NativeApi.aoti_torch_get_dim(h, out), "aoti_torch_get_dim");
            int n = (int) out.get(JAVA_LONG, 0);
            // The pointer points into the TensorImpl: read it while the handle is held.
            Dispatch.check(getter.get(h, out), name);
            return out.get(ValueLayout.ADDRESS, 0).reinterpret(8L * n).toArray(JAVA_LONG);
        } finally { release(); }
    }

    public long numel() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_get_numel(h, out), "aoti_torch_get_numel");
            return out.get(JAVA_LONG, 0);
        } finally { release(); }
    }

    public DType dtype() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_get_dtype(h, out), "aoti_torch_get_dtype");
            return DType.fromCode(out.get(ValueLayout.JAVA_INT, 0));
        } finally { release(); }
    }

    public Device device() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_get_device_type(h, out), "aoti_torch_get_device_type");
            int type = out.get(ValueLayout.JAVA_INT, 0);
            Dispatch.check(NativeApi.aoti_torch_get_device_index(h, out), "aoti_torch_get_device_index");
            return Device.fromCodes(type, out.get(ValueLayout.JAVA_INT, 0));
        } finally { release(); }
    }

    public boolean isContiguous() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_is_contiguous(h, out), "aoti_torch_is_contiguous");
            return out.get(ValueLayout.JAVA_BOOLEAN, 0);
        } finally { release(); }
    }

    public long storageOffset() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_get_storage_offset(h, out), "aoti_torch_get_storage_offset");
            return out.get(JAVA_LONG, 0);
        } finally { release(); }
    }

    /** {@code [2, 3] float32 cpu} (or {@code <closed>}): used in error messages. */
    public String describe() {
        if (isClosed()) return "<closed tensor>";
        try {
            return Arrays.toString(shape()) + " " + dtype() + " " + device();
        } catch (RuntimeException e) {
            return "<tensor>";
        }
    }

    @Override public String toString() { return "Tensor" + describe(); }

    // ---- data ----

    /** Raw address of the first element (CPU or device memory); the caller holds the tensor ({@link #acquire()}). */
    long dataAddress() {
        MemorySegment out = Dispatch.FRAME.get().out;
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.aoti_torch_get_data_ptr(h, out), "aoti_torch_get_data_ptr");
            return out.get(JAVA_LONG, 0);
        } finally { release(); }
    }

    /**
     * A zero-copy view of this contiguous CPU tensor's elements. The view becomes inaccessible
     * (IllegalStateException, not a crash) once the tensor is closed, or, for a tensor over a
     * {@link Torch#fromSegment} segment, once that segment's arena is closed.
     */
    public MemorySegment asSegment() {
        if (!device().equals(Device.CPU)) throw new TorchException("asSegment needs a CPU tensor, got " + describe());
        if (!isContiguous()) throw new TorchException("asSegment needs a contiguous tensor (call contiguous()), got strides "
                + Arrays.toString(strides()));
        long bytes = numel() * dtype().byteSize();
        MemorySegment b = backing;
        if (b != null) {
            // Memory owned by the segment's arena: a slice of it carries that arena's liveness.
            long off = dataAddress() - b.address();
            if (off >= 0 && off + bytes <= b.byteSize()) return b.asSlice(off, bytes);
        }
        synchronized (this) {
            if (viewArena == null) viewArena = Arena.ofShared();
        }
        MemorySegment view = MemorySegment.ofAddress(dataAddress()).reinterpret(bytes, viewArena, null);
        return readOnly ? view.asReadOnly() : view;
    }

    /**
     * This tensor as a contiguous CPU tensor of {@code dtype} that the caller closes: a copy made
     * by libtorch (holding any backing arena for the copy's length) unless this tensor already is
     * one and owns its memory.
     */
    private Tensor hostCopy(DType dtype) {
        if (backing == null && device().equals(Device.CPU) && dtype() == dtype && isContiguous()) return this;
        try (Scope s = Scope.open()) {
            Tensor c = to(Device.CPU, dtype).contiguous();
            if (c.backing != null) c = c.copy();
            return s.keep(c);
        }
    }

    private <T> T readHost(DType dt, java.util.function.Function<MemorySegment, T> read) {
        Tensor h = hostCopy(dt);
        MemorySegment handle = h.acquire(); // a concurrent close() of this tensor waits for the read
        try {
            MemorySegment out = Dispatch.FRAME.get().out;
            Dispatch.check(NativeApi.aoti_torch_get_numel(handle, out), "aoti_torch_get_numel");
            long bytes = out.get(JAVA_LONG, 0) * dt.byteSize();
            Dispatch.check(NativeApi.aoti_torch_get_data_ptr(handle, out), "aoti_torch_get_data_ptr");
            return read.apply(MemorySegment.ofAddress(out.get(JAVA_LONG, 0)).reinterpret(bytes));
        } finally {
            h.release();
            if (h != this) h.close();
        }
    }

    public float[] toFloatArray() { return readHost(DType.F32, m -> m.toArray(ValueLayout.JAVA_FLOAT)); }
    public double[] toDoubleArray() { return readHost(DType.F64, m -> m.toArray(ValueLayout.JAVA_DOUBLE)); }
    public long[] toLongArray() { return readHost(DType.I64, m -> m.toArray(JAVA_LONG)); }
    public int[] toIntArray() { return readHost(DType.I32, m -> m.toArray(ValueLayout.JAVA_INT)); }
    public byte[] toByteArray() { return readHost(DType.U8, m -> m.toArray(ValueLayout.JAVA_BYTE)); }
    public boolean[] toBooleanArray() {
        byte[] b = readHost(DType.BOOL, m -> m.toArray(ValueLayout.JAVA_BYTE));
        boolean[] out = new boolean[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] != 0;
        return out;
    }

    /** The single value of a one-element tensor, as a double. */
    public double item() {
        requireOneElement();
        return readHost(DType.F64, m -> m.get(ValueLayout.JAVA_DOUBLE, 0));
    }

    /**
     * The in-place modification counter ({@code t._version} in PyTorch): it grows with every
     * in-place write, so a cache of something derived from this tensor can tell it is stale.
     */
    public long version() { return Ops.version(this); }

    /** The single value of a one-element integer/bool tensor, as a long. */
    public long itemLong() {
        requireOneElement();
        return readHost(DType.I64, m -> m.get(JAVA_LONG, 0));
    }

    public boolean itemBool() { return itemLong() != 0; }

    private void requireOneElement() {
        long n = numel();
        if (n != 1) throw new TorchException("item() needs a tensor with one element, got " + describe());
    }

    // ---- conversion ----

    public Tensor to(Device device, DType dtype) { return Ops.to(this, dtype, device, null, false, false, null); }
    public Tensor to(Device device) { return Ops.to(this, null, device, null, false, false, null); }
    public Tensor to(DType dtype) { return Ops.to(this, dtype, null, null, false, false, null); }

    /**
     * A copy to {@code device} that, from pinned host memory to a GPU, is queued on the current
     * stream without the host waiting ({@code non_blocking=True}); libtorch's caching host
     * allocator keeps the pinned source alive until the copy is done, so the source may be closed
     * right after. From pageable memory it is an ordinary copy.
     */
    public Tensor toNonBlocking(Device device) { return Ops.to(this, null, device, null, true, false, null); }

    /**
     * A copy of this CPU tensor in page-locked (pinned) memory, the source of asynchronous copies
     * to a GPU. Needs a CUDA build of libtorch (pinning is a CUDA host allocation); on other builds
     * it is a plain copy, so callers need no special case.
     */
    public Tensor pinned() {
        if (!device().equals(Device.CPU)) throw new TorchException("pinned() needs a CPU tensor, got " + describe());
        if (!(LibTorch.get().isCudaBuild() && LibTorch.get().cudaDeviceCount() > 0)) return copy();
        // empty(pin_memory=True) + copy_: _to_copy's own pin_memory argument is overridden for CPU -> CPU copies.
        Tensor out = Ops.empty(shape(), dtype(), Device.CPU, Boolean.TRUE, null);
        try {
            out.copy_(this);
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
    public Tensor contiguous() { return Ops.contiguous(this, MemoryFormat.CONTIGUOUS); }

    /** A tensor with the same values laid out in {@code format} ({@code CHANNELS_LAST}: NHWC strides); this one's data when it already is. */
    public Tensor contiguous(MemoryFormat format) { return Ops.contiguous(this, format); }
    public Tensor copy() { return Ops.clone(this, null); }

    // ---- autograd ----

    public Tensor requiresGrad(boolean on) {
        if (on) requireWritable("requires_grad");
        MemorySegment h = acquire();
        try {
            Dispatch.check(NativeApi.torch_set_requires_grad(h, on), "torch_set_requires_grad");
        } finally { release(); }
        return this;
    }

    public boolean requiresGrad() {
        MemorySegment h = acquire();
        try {
            return NativeApi._ZNK3c1010TensorImpl13requires_gradEv(implPointer(h));
        } finally { release(); }
    }

    /** The accumulated gradient, or null when there is none. A new tensor sharing the gradient's memory. */
    public Tensor grad() { return Autograd.grad(this); }

    /** Replaces the gradient ({@code null} drops it, like PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void setGrad(Tensor grad) {
        Autograd.setGrad(this, grad);
    }

    /** The {@code TensorImpl*} behind an acquired handle. */
    static MemorySegment implPointer(MemorySegment acquiredHandle) {
        return MemorySegment.ofAddress(acquiredHandle.reinterpret(8).get(JAVA_LONG, 0));
    }

    /**
     * Backpropagates from this scalar (or with {@code gradient} for non-scalars). On CPUs where
     * oneDNN's float32 gradients are wrong, the pass runs without oneDNN ({@link OneDnnGuard}).
     */
    public void backward() { Autograd.backward(this, null, false); }

    public void backward(Tensor gradient, boolean retainGraph) { Autograd.backward(this, gradient, retainGraph); }

    public Tensor detach() { return Ops.detach(this); }

    // ---- shape ----

    public Tensor view(long... shape) { return Ops.view(this, shape); }
    public Tensor reshape(long... shape) { return Ops.reshape(this, shape); }
    public Tensor permute(long... dims) { return Ops.permute(this, dims); }
    public Tensor transpose(long d0, long d1) { return Ops.transpose(this, d0, d1); }
    /** Transpose of a 2-D tensor. */
    public Tensor t() { return Ops.t(this); }
    public Tensor squeeze() { return Ops.squeeze(this); }
    public Tensor squeeze(long dim) { return Ops.squeezeDim(this, dim); }
    public Tensor unsqueeze(long dim) { return Ops.unsqueeze(this, dim); }
    public Tensor flatten(long start, long end) { return Ops.flatten(this, start, end); }
    public Tensor flatten() { return Ops.flatten(this, 0, -1); }
    public Tensor narrow(long dim, long start, long length) { return Ops.narrow(this, dim, start, length); }
    public Tensor select(long dim, long index) { return Ops.select(this, dim, index); }
    public Tensor slice(long dim, long start, long end, long step) { return Ops.slice(this, dim, start, end, step); }
    public Tensor slice(long dim, long start, long end) { return Ops.slice(this, dim, start, end, 1); }
    /** Advanced indexing {@code self[i0, i1, ...]} with index tensors (null = ':' for that dim). */
    public Tensor index(Tensor... indices) { return Ops.index(this, indices); }
    public Tensor indexSelect(long dim, Tensor index) { return Ops.indexSelect(this, dim, index); }
    public Tensor gather(long dim, Tensor index) { return Ops.gather(this, dim, index, false); }
    public Tensor expand(long... shape) { return Ops.expand(this, shape, false); }
    public Tensor expandAs(Tensor other) { return expand(other.shape()); }
    public Tensor repeat(long... repeats) { return Ops.repeat(this, repeats); }
    public Tensor flip(long... dims) { return Ops.flip(this, dims); }
    public Tensor[] chunk(long chunks, long dim) { return Ops.chunk(this, chunks, dim); }
    public Tensor[] split(long size, long dim) { return Ops.split(this, size, dim); }
    public Tensor[] split(long[] sizes, long dim) { return Ops.splitWithSizes(this, sizes, dim); }
    public Tensor[] unbind(long dim) { return Ops.unbind(this, dim); }
    public Tensor triu(long diagonal) { return Ops.triu(this, diagonal); }
    public Tensor tril(long diagonal) { return Ops.tril(this, diagonal); }

    // ---- elementwise math ----

    public Tensor add(Tensor other) { return Arith.add(this, other, 1.0); }
    public Tensor add(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Arith.add(this, s, 1.0); } }
    /** {@code this + alpha * other}. */
    public Tensor add(Tensor other, double alpha) { return Arith.add(this, other, alpha); }
    public Tensor sub(Tensor other) { return Arith.add(this, other, -1.0); }
    public Tensor sub(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Arith.add(this, s, -1.0); } }
    public Tensor mul(Tensor other) { return Ops.mul(this, other); }
    public Tensor mul(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Ops.mul(this, s); } }
    public Tensor div(Tensor other) { return Ops.div(this, other); }
    public Tensor div(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Ops.div(this, s); } }
    public Tensor neg() { return Ops.neg(this); }
    public Tensor abs() { return Ops.abs(this); }
    public Tensor exp() { return Ops.exp(this); }
    public Tensor log() { return Ops.log(this); }
    public Tensor sqrt() { return Ops.sqrt(this); }
    public Tensor rsqrt() { return Ops.rsqrt(this); }
    public Tensor square() { return Ops.square(this); }
    public Tensor reciprocal() { return Ops.reciprocal(this); }
    public Tensor sign() { return Ops.sign(this); }
    public Tensor sin() { return Ops.sin(this); }
    public Tensor cos() { return Ops.cos(this); }
    public Tensor tanh() { return Ops.tanh(this); }
    public Tensor sigmoid() { return Ops.sigmoid(this); }
    public Tensor relu() { return Ops.relu(this); }
    public Tensor floor() { return Ops.floor(this); }
    public Tensor round() { return Ops.round(this); }
    public Tensor pow(Tensor exponent) { return Ops.pow(this, exponent); }
    public Tensor pow(double exponent) { try (Tensor s = Arith.scalarFor(this, exponent)) { return Ops.pow(this, s); } }
    public Tensor clamp(Tensor min, Tensor max) { return Ops.clamp(this, min, max); }
    public Tensor clamp(double min, double max) {
        try (Tensor lo = Arith.scalarFor(this, min); Tensor hi = Arith.scalarFor(this, max)) { return Ops.clamp(this, lo, hi); }
    }
    public Tensor clampMin(double min) { try (Tensor s = Arith.scalarFor(this, min)) { return Ops.clampMin(this, s); } }
    public Tensor clampMax(double max) { try (Tensor s = Arith.scalarFor(this, max)) { return Ops.clampMax(this, s); } }
    public Tensor maximum(Tensor other) { return Ops.maximum(this, other); }
    public Tensor minimum(Tensor other) { return Ops.minimum(this, other); }
    /** {@code where(condition, this, other)}. */
    public Tensor where(Tensor condition, Tensor other) { return Ops.where(condition, this, other); }
    public Tensor maskedFill(Tensor mask, double value) {
        try (Tensor s = Arith.scalarFor(this, value)) { return Ops.maskedFill(this, mask, s); }
    }

    // ---- comparisons and logic ----

    public Tensor eq(Tensor o) { return Ops.eq(this, o); }
    public Tensor ne(Tensor o) { return Ops.ne(this, o); }
    public Tensor lt(Tensor o) { return Ops.lt(this, o); }
    public Tensor le(Tensor o) { return Ops.le(this, o); }
    public Tensor gt(Tensor o) { return Ops.gt(this, o); }
    public Tensor ge(Tensor o) { return Ops.ge(this, o); }
    public Tensor eq(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Ops.eq(this, s); } }
    public Tensor lt(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Ops.lt(this, s); } }
    public Tensor gt(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return Ops.gt(this, s); } }
    public Tensor logicalAnd(Tensor o) { return Ops.logicalAnd(this, o); }
    public Tensor logicalOr(Tensor o) { return Ops.logicalOr(this, o); }
    public Tensor logicalXor(Tensor o) { return Ops.logicalXor(this, o); }
    public Tensor logicalNot() { return Ops.logicalNot(this); }
    public Tensor isnan() { return Ops.isnan(this); }
    public Tensor isfinite() { return Ops.isfinite(this); }
    public Tensor any() { return Ops.any(this); }
    public Tensor all() { return Ops.all(this); }

    // ---- linear algebra ----

    public Tensor matmul(Tensor o) { return Ops.matmul(this, o); }
    public Tensor mm(Tensor o) { return Ops.mm(this, o); }
    public Tensor bmm(Tensor o) { return Ops.bmm(this, o); }

    // ---- reductions ----

    public Tensor sum() { return Ops.sum(this, null); }
    public Tensor sum(long dim, boolean keepdim) { return Ops.sumDim(this, new long[]{dim}, keepdim, null); }
    public Tensor sum(long[] dims, boolean keepdim) { return Ops.sumDim(this, dims, keepdim, null); }
    public Tensor mean() { return Ops.mean(this, null); }
    public Tensor mean(long dim, boolean keepdim) { return Ops.meanDim(this, new long[]{dim}, keepdim, null); }
    public Tensor mean(long[] dims, boolean keepdim) { return Ops.meanDim(this, dims, keepdim, null); }
    /** Variance over {@code dim} ({@code unbiased}: divide by n-1). */
    public Tensor var(long dim, boolean unbiased, boolean keepdim) { return Ops.varDim(this, new long[]{dim}, unbiased, keepdim); }
    public Tensor max() { return Ops.maxAll(this); }
    /** {@code [values, indices]} of the maximum over {@code dim}. */
    public Tensor[] max(long dim, boolean keepdim) { return Ops.maxDim(this, dim, keepdim); }
    public Tensor min() { return Ops.minAll(this); }
    public Tensor[] min(long dim, boolean keepdim) { return Ops.minDim(this, dim, keepdim); }
    public Tensor argmax(long dim, boolean keepdim) { return Ops.argmax(this, (Long) dim, keepdim); }
    public Tensor argmax() { return Ops.argmax(this, null, false); }
    public Tensor argmin(long dim, boolean keepdim) { return Ops.argmin(this, (Long) dim, keepdim); }
    /** {@code [values, indices]} of the k largest along {@code dim}, sorted. */
    public Tensor[] topk(long k, long dim) { return Ops.topk(this, k, dim, true, true); }
    public Tensor[] sort(long dim, boolean descending) { return Ops.sort(this, dim, descending); }
    public Tensor argsort(long dim, boolean descending) { return Ops.argsort(this, dim, descending); }
    public Tensor cumsum(long dim) { return Ops.cumsum(this, dim, null); }
    public Tensor softmax(long dim) { return Ops.softmax(this, dim, null); }
    public Tensor logSoftmax(long dim) { return Ops.logSoftmax(this, dim, null); }
    /** Euclidean norm over {@code dim}. */
    public Tensor norm(long dim, boolean keepdim) { return Ops.norm(this, new long[]{dim}, keepdim); }
    /** {@code this / max(||this||_2 over dim, eps)} (PyTorch's {@code F.normalize}, p = 2). */
    public Tensor normalize(long dim, double eps) {
        try (Scope s = Scope.open()) {
            return s.keep(div(norm(dim, true).clampMin(eps).expandAs(this)));
        }
    }
    public Tensor normalize(long dim) { return normalize(dim, 1e-12); }

    // ---- in place ----

    public Tensor zero_() { Ops.zero_(this).close(); return this; }
    public Tensor copy_(Tensor src) { Ops.copy_(this, src, false).close(); return this; }
    public Tensor fill_(double value) {
        MemorySegment h = acquire();
        try {
            requireWritable("aten::fill_.Scalar");
            Dispatch.check(KeepAlive.fill(h, value, backing), "aten::fill_.Scalar");
        } finally { release(); }
        return this;
    }
    public Tensor mul_(Tensor other) { Ops.mul_(this, other).close(); return this; }
    public Tensor mul_(double v) { try (Tensor s = Arith.scalarFor(this, v)) { return mul_(s); } }
}
