package dev.jclip.torch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Entry points that are not methods of one tensor: creation, joins, random seeds, grad mode,
 * autocast, and the generic schema-checked operator call.
 *
 * <pre>{@code
 * Torch.manualSeed(0);
 * Tensor x = Torch.randn(new long[]{2, 3}, DType.F32, Device.CPU);
 * Tensor y = Torch.cat(List.of(x, x), 0);
 * Tensor z = (Tensor) Torch.call("aten::mul", "Tensor", x, x);
 * }</pre>
 */
public final class Torch {
    private static final Map<String, OpHandle> DYNAMIC = new ConcurrentHashMap<>();

    private Torch() {}

    // ---- creation ----

    public static Tensor empty(long[] shape, DType dtype, Device device) { return Ops.empty(shape, dtype, device, null, null); }
    public static Tensor zeros(long[] shape, DType dtype, Device device) { return Ops.zeros(shape, dtype, device, null); }
    public static Tensor ones(long[] shape, DType dtype, Device device) { return Ops.ones(shape, dtype, device, null); }
    public static Tensor zeros(DType dtype, long... shape) { return zeros(shape, dtype, Device.CPU); }
    public static Tensor ones(DType dtype, long... shape) { return ones(shape, dtype, Device.CPU); }
    public static Tensor zerosLike(Tensor t) { return Ops.zerosLike(t, null, null, null, null); }
    public static Tensor onesLike(Tensor t) { return Ops.onesLike(t, null, null, null, null); }
    public static Tensor emptyLike(Tensor t) { return Ops.emptyLike(t, null, null, null, null); }

    public static Tensor full(long[] shape, double value, DType dtype, Device device) {
        return empty(shape, dtype, device).fill_(value);
    }

    /** Uniform [0, 1). */
    public static Tensor rand(long[] shape, DType dtype, Device device) { return Ops.rand(shape, dtype, device, null); }
    /** Standard normal. */
    public static Tensor randn(long[] shape, DType dtype, Device device) { return Ops.randn(shape, dtype, device, null); }
    public static Tensor randnLike(Tensor t) { return Ops.randnLike(t, null, null, null, null); }
    public static Tensor randLike(Tensor t) { return Ops.randLike(t, null, null, null, null); }
    /** Integers uniform in [low, high). */
    public static Tensor randint(long low, long high, long[] shape, DType dtype, Device device) {
        return Ops.randintLow(low, high, shape, dtype, device, null);
    }
    public static Tensor randperm(long n, Device device) { return Ops.randperm(n, DType.I64, device, null); }
    public static Tensor eye(long n, DType dtype, Device device) { return Ops.eye(n, dtype, device, null); }

    /** {@code [start, start+step, ...)} below {@code end}, like {@code torch.arange}. */
    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0 || Double.isNaN(start) || Double.isNaN(end) || Double.isNaN(step)) {
            throw new TorchException("arange: bad range start=" + start + " end=" + end + " step=" + step);
        }
        long n = (long) Math.max(0, Math.ceil((end - start) / step));
        if (dtype.isFloatingPoint()) {
            double[] v = new double[Math.toIntExact(n)];
            for (int i = 0; i < v.length; i++) v[i] = start + i * step;
            try (Scope s = Scope.open()) { return s.keep(of(v, n).to(device, dtype)); }
        }
        long[] v = new long[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (long) (start + i * step);
        try (Scope s = Scope.open()) { return s.keep(of(v, n).to(device, dtype)); }
    }

    /** {@code [0, 1, ..., n-1]} as int64 on the CPU. */
    public static Tensor arange(long n) { return arange(0, n, 1, DType.I64, Device.CPU); }

    /** {@code steps} values evenly spaced from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, long steps, DType dtype, Device device) {
        try (Tensor a = scalar(start); Tensor b = scalar(end)) {
            return Ops.linspace(a, b, steps, dtype, device, null);
        }
    }

    /** A 0-dim float64 CPU tensor. */
    public static Tensor scalar(double v) {
        MemorySegment out = Dispatch.FRAME.get().out;
        Dispatch.check(NativeApi.aoti_torch_scalar_to_tensor_float64(v, out), "aoti_torch_scalar_to_tensor_float64");
        return Tensor.adopt(out);
    }

    /** A 0-dim int64 CPU tensor. */
    public static Tensor scalar(long v) {
        MemorySegment out = Dispatch.FRAME.get().out;
        Dispatch.check(NativeApi.aoti_torch_scalar_to_tensor_int64(v, out), "aoti_torch_scalar_to_tensor_int64");
        return Tensor.adopt(out);
    }

    // ---- from Java arrays (copied) ----

    public static Tensor of(float[] data, long... shape) { return fromHeap(MemorySegment.ofArray(data), DType.F32, check(data.length, shape)); }
    public static Tensor of(double[] data, long... shape) { return fromHeap(MemorySegment.ofArray(data), DType.F64, check(data.length, shape)); }
    public static Tensor of(long[] data, long... shape) { return fromHeap(MemorySegment.ofArray(data), DType.I64, check(data.length, shape)); }
    public static Tensor of(int[] data, long... shape) { return fromHeap(MemorySegment.ofArray(data), DType.I32, check(data.length, shape)); }
    public static Tensor of(byte[] data, long... shape) { return fromHeap(MemorySegment.ofArray(data), DType.U8, check(data.length, shape)); }
    public static Tensor of(boolean[] data, long... shape) {
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (data[i] ? 1 : 0);
        return fromHeap(MemorySegment.ofArray(b), DType.BOOL, check(data.length, shape));
    }

    private static long[] check(long length, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new TorchException("negative dimension in shape " + java.util.Arrays.toString(shape));
            n *= d;
        }
        if (n != length) {
            throw new TorchException("shape " + java.util.Arrays.toString(shape) + " has " + n + " elements but the array has " + length);
        }
        return shape;
    }

    private static Tensor fromHeap(MemorySegment src, DType dtype, long[] shape) {
        Tensor t = empty(shape, dtype, Device.CPU);
        if (src.byteSize() > 0) MemorySegment.copy(src, 0, MemorySegment.ofAddress(t.dataAddress()).reinterpret(src.byteSize()), 0, src.byteSize());
        return t;
    }

    /**
     * A tensor over {@code segment}'s memory without copying (CPU). The tensor must not outlive the
     * segment's arena: using it afterwards throws. Strides and offset are in elements. Over a
     * read-only segment (a memory-mapped file) the tensor is {@linkplain Tensor#isReadOnly() read-only}:
     * ops that would write to it throw; {@code copy()} gives a writable tensor.
     */
    public static Tensor fromSegment(MemorySegment segment, DType dtype, long[] shape, long[] strides, long storageOffset) {
        if (!segment.isNative()) {
            throw new TorchException("fromSegment needs native (off-heap) memory, got a heap segment of " + segment.byteSize()
                    + " bytes; use Torch.of(array, shape) to copy a Java array");
        }
        if (strides.length != shape.length) throw new TorchException("fromSegment: shape " + java.util.Arrays.toString(shape)
                + " and strides " + java.util.Arrays.toString(strides) + " differ in rank");
        long maxIndex = storageOffset;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || strides[i] < 0) throw new TorchException("fromSegment: negative size or stride");
            if (shape[i] == 0) { maxIndex = -1; break; }
            maxIndex += (shape[i] - 1) * strides[i];
        }
        long needed = (maxIndex + 1) * dtype.byteSize();
        if (needed > segment.byteSize()) {
            throw new TorchException("fromSegment: " + dtype + " shape " + java.util.Arrays.toString(shape) + " strides "
                    + java.util.Arrays.toString(strides) + " offset " + storageOffset + " needs " + needed
                    + " bytes but the segment has " + segment.byteSize());
        }
        return fromSegmentUnchecked(segment, dtype, shape, strides, storageOffset);
    }

    private static Tensor fromSegmentUnchecked(MemorySegment segment, DType dtype, long[] shape, long[] strides, long off) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment sz = arena.allocateFrom(JAVA_LONG, shape);
            MemorySegment st = arena.allocateFrom(JAVA_LONG, strides);
            MemorySegment out = Dispatch.FRAME.get().out;
            Dispatch.check(NativeApi.aoti_torch_create_tensor_from_blob(segment, shape.length, sz, st, off, dtype.code(),
                    Device.Type.CPU.code(), 0, out), "aoti_torch_create_tensor_from_blob");
            Tensor t = Tensor.adopt(out);
            t.setBacking(segment);
            return t;
        }
    }

    /** Contiguous {@link #fromSegment(MemorySegment, DType, long[], long[], long)}. */
    public static Tensor fromSegment(MemorySegment segment, DType dtype, long... shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
        return fromSegment(segment, dtype, shape, strides, 0);
    }

    // ---- joins ----

    public static Tensor cat(List<Tensor> tensors, long dim) { return Ops.cat(tensors.toArray(new Tensor[0]), dim); }
    public static Tensor stack(List<Tensor> tensors, long dim) { return Ops.stack(tensors.toArray(new Tensor[0]), dim); }
    /** {@code condition ? a : b}, elementwise. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) { return Ops.where(condition, a, b); }

    // ---- state ----

    /** Seeds the CPU generator and every CUDA generator (like {@code torch.manual_seed}). */
    public static void manualSeed(long seed) {
        MemorySegment gen = NativeApi._ZN2at6detail22getDefaultCPUGeneratorEv().reinterpret(8);
        MemorySegment impl = MemorySegment.ofAddress(gen.get(JAVA_LONG, 0));
        NativeApi._ZN2at16CPUGeneratorImpl16set_current_seedEm(impl, seed);
        if (LibTorch.get().isCudaBuild()) NativeApi._ZN5torch4cuda15manual_seed_allEm(seed);
    }

    /** libtorch's intra-op thread count. */
    public static int numThreads() {
        MemorySegment out = Dispatch.FRAME.get().out;
        Dispatch.check(NativeApi.torch_get_num_threads(out), "torch_get_num_threads");
        return out.get(ValueLayout.JAVA_INT, 0);
    }

    /** Disables gradient recording on this thread until closed. */
    public static GradMode noGrad() { return GradMode.set(false); }

    /** Enables gradient recording on this thread until closed. */
    public static GradMode enableGrad() { return GradMode.set(true); }

    /** Mixed precision on this thread until closed: {@code try (var ac = Torch.autocast(Device.CPU, DType.BF16)) {...}}. */
    public static Autocast autocast(Device device, DType dtype) { return Autocast.enter(device.type(), dtype); }

    // ---- generic call ----

    /**
     * Calls any operator by name, checking the arguments against its schema first (a wrong
     * argument count or type is a {@link TorchException}, never a crash). Results: null, a
     * {@link Tensor}, a {@code Tensor[]}, a Long/Double/Boolean, or an {@code Object[]}.
     * Java types: Tensor, Tensor[] or List, Long/Integer, long[]/int[], Double, Boolean, DType,
     * Device, MemoryFormat, String; null for None.
     */
    public static Object call(String op, String overload, Object... args) {
        return Dispatch.call(handle(op, overload), args);
    }

    /** The schema-carrying handle of {@code op.overload}: generated ones first, then libtorch's registry (JNI). */
    public static OpHandle handle(String op, String overload) {
        String q = overload == null || overload.isEmpty() ? op : op + "." + overload;
        Ops.ALL.size(); // make sure the generated handles are registered
        OpHandle h = OpHandle.known(q);
        if (h != null) return h;
        return DYNAMIC.computeIfAbsent(q, k -> {
            String schema = LibTorch.get().hasJni() ? JniBridge.schemaOf(op, overload == null ? "" : overload) : null;
            if (schema == null) {
                throw new TorchException("unknown operator " + q + (LibTorch.get().hasJni() ? " (not registered in libtorch)"
                        : " (in external mode only the schemas of native/ops/ops.tsv are known; add it there)"));
            }
            return OpHandle.of(schema);
        });
    }
}
