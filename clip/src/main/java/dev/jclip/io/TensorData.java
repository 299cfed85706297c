package dev.jclip.io;

import dev.jclip.torch.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as stored in a file: element type, logical shape/strides (in elements), offset (in
 * elements) into {@code storage}, a MemorySegment over the raw little-endian bytes (usually a
 * slice of a memory-mapped file, or a heap/arena copy where alignment forbids a view).
 * Several tensors may share one storage segment (as in PyTorch).
 *
 * <pre>{@code
 * TensorData w = stateDict.get("visual.proj");
 * long[] shape = w.shape();                    // [64, 32]
 * float[] values = w.toFloatArray();           // C order, whatever the strides
 * MemorySegment raw = w.contiguousData(arena); // zero-copy when already contiguous
 * }</pre>
 *
 * @param dtype         element type
 * @param shape         sizes per dimension (empty for a 0-d tensor)
 * @param strides       element strides per dimension (non-negative)
 * @param storageOffset first element's index in {@code storage}
 * @param storage       the raw bytes; must hold every element the shape and strides address
 */
public record TensorData(DType dtype, long[] shape, long[] strides, long storageOffset, MemorySegment storage) {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Checks that the view fits its storage; throws {@link IllegalArgumentException} naming shapes and sizes. */
    public TensorData {
        if (dtype == null || shape == null || strides == null || storage == null)
            throw new IllegalArgumentException("dtype, shape, strides and storage must not be null");
        shape = shape.clone();
        strides = strides.clone();
        String fit = fitError(dtype, shape, strides, storageOffset, storage.byteSize());
        if (fit != null) throw new IllegalArgumentException(fit);
    }

    /** A C-contiguous tensor starting at byte 0 of {@code storage}. */
    public static TensorData contiguous(DType dtype, long[] shape, MemorySegment storage) {
        return new TensorData(dtype, shape, contiguousStrides(shape), 0, storage);
    }

    /** Row-major strides for {@code shape}. */
    public static long[] contiguousStrides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s = Math.multiplyExact(s, Math.max(shape[i], 1));
        }
        return st;
    }

    /**
     * Why a view does not fit a storage of {@code storageBytes} bytes, or {@code null} when it
     * does: negative sizes or strides, rank mismatch, or an element beyond the storage.
     */
    public static String fitError(DType dtype, long[] shape, long[] strides, long storageOffset, long storageBytes) {
        if (shape.length != strides.length)
            return "shape " + Arrays.toString(shape) + " and strides " + Arrays.toString(strides) + " differ in rank";
        if (storageOffset < 0) return "negative storage offset " + storageOffset;
        long last = storageOffset;
        try {
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) return "negative size in shape " + Arrays.toString(shape);
                if (strides[i] < 0) return "negative stride in strides " + Arrays.toString(strides);
                n = Math.multiplyExact(n, shape[i]);
                if (shape[i] > 0) last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, strides[i]));
            }
            if (n == 0) return null;
            long need = Math.multiplyExact(last + 1, (long) dtype.byteSize());
            if (need > storageBytes)
                return dtype + " " + Arrays.toString(shape) + " with strides " + Arrays.toString(strides)
                        + " and offset " + storageOffset + " needs " + need + " bytes but the storage holds "
                        + storageBytes;
            return null;
        } catch (ArithmeticException e) {
            return "shape " + Arrays.toString(shape) + " with strides " + Arrays.toString(strides) + " overflows 64 bits";
        }
    }

    @Override public long[] shape() { return shape.clone(); }
    @Override public long[] strides() { return strides.clone(); }

    /** Number of dimensions. */
    /**
     * A libtorch tensor over the same bytes, without copying. Over a memory-mapped checkpoint the
     * tensor is read-only (writes throw; {@code copy()} it to modify) and must not outlive the
     * {@link StateDict} that owns the mapping.
     */
    public dev.jclip.torch.Tensor toTensor() {
        return dev.jclip.torch.Torch.fromSegment(storage, dtype, shape, strides, storageOffset);
    }

    public int dim() { return shape.length; }

    /** Size of dimension {@code i} (negative counts from the end). */
    public long size(int i) { return shape[i < 0 ? shape.length + i : i]; }

    /** Number of elements (1 for a 0-d tensor). */
    public long numel() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    /** Bytes of the logical tensor ({@code numel * dtype.byteSize()}), not of its storage. */
    public long byteSize() { return numel() * dtype.byteSize(); }

    /** Whether the elements lie in C order without gaps (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (shape[i] == 0) return true;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** The 2-D transpose as a view (no copy), like {@code torch.Tensor.t()}. */
    public TensorData t() {
        if (shape.length != 2) throw new IllegalArgumentException("t() needs a 2-D tensor, got shape " + Arrays.toString(shape));
        return new TensorData(dtype, new long[]{shape[1], shape[0]}, new long[]{strides[1], strides[0]}, storageOffset, storage);
    }

    /**
     * The elements in C order: a zero-copy slice when {@link #isContiguous()}, otherwise a copy
     * allocated in {@code arena} (64-byte aligned).
     */
    public MemorySegment contiguousData(Arena arena) {
        long bytes = byteSize();
        if (isContiguous()) return storage.asSlice(storageOffset * dtype.byteSize(), bytes);
        MemorySegment out = arena.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes);
        copyTo(out);
        return out;
    }

    /** This tensor with its elements in C order (itself when already contiguous). */
    public TensorData contiguous(Arena arena) {
        if (isContiguous() && storageOffset == 0 && storage.byteSize() == byteSize()) return this;
        return contiguous(dtype, shape, contiguousData(arena));
    }

    /** The elements in C order as a new byte array (little-endian); for tensors under 2 GiB. */
    public byte[] toByteArray() {
        long bytes = byteSize();
        if (bytes > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor of " + bytes + " bytes does not fit a byte[]");
        byte[] out = new byte[(int) bytes];
        copyTo(MemorySegment.ofArray(out));
        return out;
    }

    /** Copies the elements in C order into {@code dst} (at least {@link #byteSize()} bytes). */
    public void copyTo(MemorySegment dst) {
        long n = numel();
        if (n == 0) return;
        int es = dtype.byteSize();
        if (isContiguous()) {
            MemorySegment.copy(storage, storageOffset * es, dst, 0, n * es);
            return;
        }
        int d = shape.length;
        // Copy the innermost dimension as one run when it is dense, element by element otherwise.
        boolean denseInner = strides[d - 1] == 1;
        long run = denseInner ? shape[d - 1] : 1;
        int outer = denseInner ? d - 1 : d;
        long[] idx = new long[outer];
        long written = 0;
        while (written < n * es) {
            long src = storageOffset;
            for (int i = 0; i < outer; i++) src += idx[i] * strides[i];
            MemorySegment.copy(storage, src * es, dst, written, run * es);
            written += run * es;
            for (int i = outer - 1; i >= 0; i--) {
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
    }

    /** Values as floats in C order; F32, F16, BF16 and F64 (rounded) tensors only. */
    public float[] toFloatArray() {
        MemorySegment c = MemorySegment.ofArray(toByteArray());
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> MemorySegment.copy(c, F32, 0, out, 0, n);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) c.get(F64, 8L * i); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(c.get(I16, 2L * i)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((c.get(I16, 2L * i) & 0xffff) << 16); }
            default -> throw new IllegalStateException("toFloatArray() needs a floating-point tensor, got " + dtype);
        }
        return out;
    }

    /** Values as longs in C order; integer and bool tensors only (U8 is unsigned). */
    public long[] toLongArray() {
        MemorySegment c = MemorySegment.ofArray(toByteArray());
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case I64 -> c.get(I64, 8L * i);
                case I32 -> c.get(I32, 4L * i);
                case I16 -> c.get(I16, 2L * i);
                case I8 -> c.get(ValueLayout.JAVA_BYTE, i);
                case U8, BOOL -> c.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                default -> throw new IllegalStateException("toLongArray() needs an integer tensor, got " + dtype);
            };
        }
        return out;
    }

    /** Same dtype, shape and element bytes (strides and storage layout may differ). */
    public boolean sameContent(TensorData o) {
        if (dtype != o.dtype || !Arrays.equals(shape, o.shape)) return false;
        long bytes = byteSize();
        if (isContiguous() && o.isContiguous()) {
            int es = dtype.byteSize();
            return MemorySegment.mismatch(storage, storageOffset * es, storageOffset * es + bytes,
                    o.storage, o.storageOffset * es, o.storageOffset * es + bytes) == -1;
        }
        return Arrays.equals(toByteArray(), o.toByteArray());
    }

    // Records compare arrays by reference; compare the view's description by value instead.
    @Override public boolean equals(Object other) {
        return other instanceof TensorData o && dtype == o.dtype && storageOffset == o.storageOffset
                && Arrays.equals(shape, o.shape) && Arrays.equals(strides, o.strides) && storage.equals(o.storage);
    }

    @Override public int hashCode() {
        return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(storageOffset);
    }

    @Override public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + (isContiguous() ? "" : " strides " + Arrays.toString(strides))
                + (storageOffset != 0 ? " offset " + storageOffset : "") + "]";
    }
}
