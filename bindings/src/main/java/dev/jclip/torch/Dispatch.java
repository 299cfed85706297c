package dev.jclip.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Calls an operator through {@code torch_call_dispatcher}: checks the Java arguments against the
 * schema (so a wrong argument is an exception, never a crash), encodes them as StableIValues into a
 * per-thread stack, calls, decodes the results, and on failure throws a {@link TorchException}
 * naming the op, every argument and libtorch's own message.
 */
final class Dispatch {
    /** The libtorch version jclip is built against (2.10), as the dispatcher's version word. */
    static final long BUILD_VERSION = (2L << 56) | (10L << 48);
    private static final int MAX_SLOTS = 64;

    /** Per-thread memory reused by every call: the stack and out-parameter scratch. */
    static final class Frame {
        final Arena arena = Arena.ofAuto();
        final MemorySegment stack = arena.allocate(JAVA_LONG, MAX_SLOTS);
        final MemorySegment out = arena.allocate(JAVA_LONG, 8);
        final MemorySegment list = arena.allocate(JAVA_LONG, 1);
        /** The {@link Threads#generation} this thread applied (OpenMP's thread count is per thread). */
        int threadsGeneration;
        /** Tensor arguments held (acquired) from their check until their handles are on the stack. */
        Tensor[] held = new Tensor[8];
        int nHeld;
        /** Segments behind fromSegment arguments, and one per distinct arena to keep alive for the call. */
        MemorySegment[] backed = new MemorySegment[4];
        int nBacked;
        final MemorySegment[] keep = new MemorySegment[KeepAlive.MAX];
        int nKeep;

        void hold(Tensor t, OpHandle op, int i) {
            t.acquireFor(op, i);
            if (nHeld == held.length) held = java.util.Arrays.copyOf(held, nHeld * 2);
            held[nHeld++] = t;
            MemorySegment b = t.backing();
            if (b == null) return;
            if (nBacked == backed.length) backed = java.util.Arrays.copyOf(backed, nBacked * 2);
            backed[nBacked++] = b;
            for (int k = 0; k < nKeep; k++) if (keep[k].scope().equals(b.scope())) return;
            if (nKeep == keep.length) {
                throw bad(op, i, "is over memory of a fifth distinct arena; one op can hold at most " + KeepAlive.MAX
                        + " arenas of Torch.fromSegment tensors alive: copy() some of them first");
            }
            keep[nKeep++] = b;
        }

        void releaseHeld() {
            for (int k = 0; k < nHeld; k++) { held[k].release(); held[k] = null; }
            nHeld = 0;
        }
    }

    static final ThreadLocal<Frame> FRAME = ThreadLocal.withInitial(Frame::new);

    static {
        SchemaCheck.applyConfigured(); // a schema dump of the loaded libtorch, when one is configured (external mode)
    }

    private Dispatch() {}

    /** Calls {@code op}; returns null (no result), a Tensor, a Tensor[], a Long, Double, Boolean, or Object[]. */
    static Object call(OpHandle op, Object... args) {
        if (op.refused != null) throw new TorchException(op.refused);
        OpSchema.Kind[] kinds = op.kinds;
        if (args.length != kinds.length) {
            throw new TorchException(op + ": expected " + kinds.length + " arguments " + signature(op)
                    + " but got " + args.length);
        }
        Frame f = FRAME.get();
        if (f.threadsGeneration != Threads.generation) Threads.applyToCurrentThread(f);
        f.nBacked = 0;
        f.nKeep = 0;
        boolean readOnlyInput = false;
        MemorySegment stack = f.stack;
        try {
            // Every tensor argument is held from its check until its new handle is on the stack, so
            // a close() on another thread cannot free a handle in between (it waits, then frees).
            for (int i = 0; i < kinds.length; i++) {
                check(op, i, kinds[i], args[i], f);
                if (args[i] instanceof Tensor t && t.isReadOnly()) {
                    if (op.mutates[i]) throw bad(op, i, "is read-only (a zero-copy view of read-only memory such as a "
                            + "memory-mapped checkpoint); write to a copy() instead");
                    readOnlyInput = true;
                }
            }
            if (op.anyMutates) checkMutableLists(op, args);
            encodeAll(op, args, stack, f);
        } finally {
            f.releaseHeld();
        }
        // The arenas behind fromSegment arguments stay alive for the whole call (see KeepAlive).
        int rc = KeepAlive.dispatcher(op.cName, op.cOverload, stack, BUILD_VERSION, f.keep, f.nKeep);
        if (rc != 0) throw failure(op, args, f);
        Object result = decode(op, stack);
        if (readOnlyInput && op.returnsAlias) markReadOnly(result);
        if (f.nBacked > 0) inheritBacking(result, f);
        return result;
    }

    /**
     * A result whose data lies inside an argument's segment (t(), view, narrow, ..., or an op that
     * returned its input) is a view of that memory: it gets the same liveness check and arena hold.
     */
    private static void inheritBacking(Object result, Frame f) {
        MemorySegment[] backed = java.util.Arrays.copyOf(f.backed, f.nBacked);
        if (result instanceof Tensor t) inheritBacking(t, backed);
        else if (result instanceof Object[] arr) for (Object o : arr) if (o instanceof Tensor t) inheritBacking(t, backed);
    }

    private static void inheritBacking(Tensor t, MemorySegment[] backed) {
        if (t.backing() != null) return;
        long addr;
        try {
            addr = t.dataAddress();
        } catch (TorchException undefined) {
            return; // an undefined result has no data
        }
        for (MemorySegment b : backed) {
            if (addr >= b.address() && addr - b.address() < Math.max(1, b.byteSize())) { t.setBacking(b); return; }
        }
    }

    private static void checkMutableLists(OpHandle op, Object[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!op.mutates[i] || args[i] == null) continue;
            Object[] arr = args[i] instanceof List<?> l ? l.toArray() : args[i] instanceof Tensor[] ta ? ta : null;
            if (arr == null) continue;
            for (Object o : arr) {
                if (o instanceof Tensor t && t.isReadOnly()) throw bad(op, i, "contains a read-only tensor; write to a copy() instead");
            }
        }
    }

    private static void markReadOnly(Object result) {
        if (result instanceof Tensor t) t.markReadOnly();
        else if (result instanceof Object[] arr) for (Object o : arr) if (o instanceof Tensor t) t.markReadOnly();
    }

    private static void encodeAll(OpHandle op, Object[] args, MemorySegment stack, Frame f) {
        OpSchema.Kind[] kinds = op.kinds;
        for (int i = 0; i < kinds.length; i++) stack.setAtIndex(JAVA_LONG, i, encode(kinds[i], args[i], f));
    }

    private static TorchException failure(OpHandle op, Object[] args, Frame f) {
        String described = describe(op, args);
        String why = ErrorCapture.replay(() -> {
            // The replay re-encodes from the Java arguments (the callee consumed the first stack).
            encodeAll(op, args, f.stack, f);
            int rc = KeepAlive.dispatcher(op.cName, op.cOverload, f.stack, BUILD_VERSION, f.keep, f.nKeep);
            if (rc == 0) freeResults(op, f.stack);
            return rc;
        });
        return new TorchException(op + " failed" + (why != null ? ": " + why : "") + "\n  arguments: " + described);
    }

    private static void freeResults(OpHandle op, MemorySegment stack) {
        Object r = decode(op, stack);
        if (r instanceof Tensor t) t.close();
        else if (r instanceof Object[] arr) for (Object o : arr) if (o instanceof Tensor t) t.close();
    }

    // ---- argument checks (no native resources are allocated before every argument passed) ----

    private static void check(OpHandle op, int i, OpSchema.Kind k, Object v, Frame f) {
        if (v == null) {
            if (k.optional()) return;
            throw bad(op, i, "must not be null");
        }
        boolean ok = switch (k) {
            case TENSOR, OPT_TENSOR -> v instanceof Tensor t && hold(f, t, op, i);
            case TENSOR_LIST -> tensorList(op, i, v, false, f);
            case OPT_TENSOR_LIST -> tensorList(op, i, v, true, f);
            case INT, OPT_INT -> v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
            case INT_LIST, OPT_INT_LIST -> v instanceof long[] || v instanceof int[] || v instanceof Long || v instanceof Integer;
            case FLOAT, OPT_FLOAT -> v instanceof Double || v instanceof Float || v instanceof Long || v instanceof Integer;
            case BOOL, OPT_BOOL -> v instanceof Boolean;
            case SCALAR_TYPE, OPT_SCALAR_TYPE -> v instanceof DType;
            case DEVICE, OPT_DEVICE -> v instanceof Device;
            case MEMORY_FORMAT, OPT_MEMORY_FORMAT -> v instanceof MemoryFormat;
            case STR, OPT_STR -> v instanceof String;
            case SCALAR, OPT_SCALAR -> throw bad(op, i, "has schema type Scalar, which libtorch's C ABI (2.10) cannot "
                    + "convert; only None can be passed for Scalar? (use a Scalar-free overload or the JNI bridge)");
            case OPT_SCALAR_LIST -> noneList(op, i, v);
            case LAYOUT, OPT_LAYOUT -> throw bad(op, i, "is a Layout; only None (strided) is supported");
            case OPT_GENERATOR -> throw bad(op, i, "is a Generator; only None (the default generator) is supported");
            case UNSUPPORTED -> throw bad(op, i, "has schema type " + op.schema.args().get(i).type()
                    + ", which jclip cannot pass through the C ABI");
        };
        if (!ok) throw bad(op, i, "expects " + op.schema.args().get(i).type() + " but got " + typeName(v));
    }

    private static boolean hold(Frame f, Tensor t, OpHandle op, int i) {
        f.hold(t, op, i);
        return true;
    }

    private static boolean tensorList(OpHandle op, int i, Object v, boolean nullable, Frame f) {
        Object[] arr = v instanceof List<?> l ? l.toArray() : v instanceof Tensor[] ta ? ta : null;
        if (arr == null) return false;
        for (Object o : arr) {
            if (o == null) { if (!nullable) throw bad(op, i, "contains null"); continue; }
            if (!(o instanceof Tensor t)) return false;
            f.hold(t, op, i);
        }
        return true;
    }

    /** A {@code Scalar?[]} argument: Scalars cannot cross the 2.10 C ABI, Nones can. */
    private static boolean noneList(OpHandle op, int i, Object v) {
        Object[] arr = v instanceof List<?> l ? l.toArray() : v instanceof Object[] oa ? oa : null;
        if (arr == null) return false;
        for (Object o : arr) {
            if (o != null) throw bad(op, i, "is a Scalar?[]; only Nones can be passed through libtorch's C ABI (2.10)");
        }
        return true;
    }

    private static TorchException bad(OpHandle op, int i, String what) {
        OpSchema.Arg a = op.schema.args().get(i);
        return new TorchException(op + ": argument " + i + " '" + a.name() + "' " + what + "; schema: " + op.schema.text());
    }

    private static String typeName(Object v) {
        return v.getClass().isArray() ? v.getClass().getComponentType().getSimpleName() + "[]" : v.getClass().getSimpleName();
    }

    // ---- encoding ----

    private static long encode(OpSchema.Kind k, Object v, Frame f) {
        if (v == null) return 0L; // None for every optional kind
        return switch (k) {
            case TENSOR -> ((Tensor) v).newHandle(f);
            case OPT_TENSOR -> boxed(((Tensor) v).newHandle(f));
            case TENSOR_LIST -> tensorListHandle(v, false, f);
            case OPT_TENSOR_LIST -> tensorListHandle(v, true, f);
            case INT -> ((Number) v).longValue();
            case OPT_INT -> boxed(((Number) v).longValue());
            case INT_LIST -> intList(v, f);
            case OPT_INT_LIST -> boxed(intList(v, f));
            case FLOAT -> Double.doubleToRawLongBits(((Number) v).doubleValue());
            case OPT_FLOAT -> boxed(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case BOOL -> ((Boolean) v) ? 1L : 0L;
            case OPT_BOOL -> boxed(((Boolean) v) ? 1L : 0L);
            case SCALAR_TYPE -> ((DType) v).code();
            case OPT_SCALAR_TYPE -> boxed(((DType) v).code());
            case DEVICE -> ((Device) v).stableValue();
            case OPT_DEVICE -> boxed(((Device) v).stableValue());
            case MEMORY_FORMAT -> ((MemoryFormat) v).code();
            case OPT_MEMORY_FORMAT -> boxed(((MemoryFormat) v).code());
            case STR -> string((String) v);
            case OPT_STR -> boxed(string((String) v));
            case OPT_SCALAR_LIST -> noneListHandle(v, f);
            default -> throw new IllegalStateException("unchecked kind " + k);
        };
    }

    /** An optional's value: a heap slot (C++ operator new) the callee deletes. */
    private static long boxed(long value) {
        MemorySegment slot = NativeApi._Znwm(8).reinterpret(8);
        slot.set(JAVA_LONG, 0, value);
        return slot.address();
    }

    private static long intList(Object v, Frame f) {
        long[] values = v instanceof long[] la ? la : v instanceof int[] ia ? toLongs(ia) : new long[]{((Number) v).longValue()};
        MemorySegment list = newList(values.length, f);
        for (long x : values) check(NativeApi.torch_list_push_back(list, x), "torch_list_push_back");
        return list.address();
    }

    private static long tensorListHandle(Object v, boolean optionalElements, Frame f) {
        Object[] arr = v instanceof List<?> l ? l.toArray() : (Object[]) v;
        MemorySegment list = newList(arr.length, f);
        for (Object o : arr) {
            long e = o == null ? 0L : ((Tensor) o).newHandle(f);
            if (optionalElements && o != null) e = boxed(e);
            check(NativeApi.torch_list_push_back(list, e), "torch_list_push_back");
        }
        return list.address();
    }

    private static long noneListHandle(Object v, Frame f) {
        int n = v instanceof List<?> l ? l.size() : ((Object[]) v).length;
        MemorySegment list = newList(n, f);
        for (int i = 0; i < n; i++) check(NativeApi.torch_list_push_back(list, 0L), "torch_list_push_back");
        return list.address();
    }

    private static MemorySegment newList(int size, Frame f) {
        check(NativeApi.torch_new_list_reserve_size(size, f.list), "torch_new_list_reserve_size");
        return f.list.get(ValueLayout.ADDRESS, 0);
    }

    private static long string(String s) {
        try (Arena a = Arena.ofConfined()) {
            byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MemorySegment c = a.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            MemorySegment out = a.allocate(JAVA_LONG);
            check(NativeApi.torch_new_string_handle(c, bytes.length, out), "torch_new_string_handle");
            return out.get(JAVA_LONG, 0);
        }
    }

    private static long[] toLongs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    static void check(int rc, String what) {
        if (rc != 0) throw new TorchException(what + " failed (libtorch returned " + rc + ")");
    }

    // ---- decoding ----

    private static Object decode(OpHandle op, MemorySegment stack) {
        OpSchema.Kind[] rets = op.returns;
        if (rets.length == 0) return null;
        if (rets.length == 1) return decodeOne(rets[0], stack.getAtIndex(JAVA_LONG, 0));
        boolean allTensors = true;
        for (OpSchema.Kind r : rets) allTensors &= r == OpSchema.Kind.TENSOR;
        Object[] out = allTensors ? new Tensor[rets.length] : new Object[rets.length];
        for (int i = 0; i < rets.length; i++) out[i] = decodeOne(rets[i], stack.getAtIndex(JAVA_LONG, i));
        return out;
    }

    private static Object decodeOne(OpSchema.Kind k, long v) {
        return switch (k) {
            case TENSOR -> Tensor.adopt(v);
            case TENSOR_LIST -> decodeTensorList(v);
            case INT -> v;
            case FLOAT -> Double.longBitsToDouble(v);
            case BOOL -> v != 0;
            case SCALAR_TYPE -> DType.fromCode((int) v);
            default -> throw new TorchException("unsupported return kind " + k);
        };
    }

    private static Tensor[] decodeTensorList(long handle) {
        MemorySegment list = MemorySegment.ofAddress(handle);
        Frame f = FRAME.get();
        check(NativeApi.torch_list_size(list, f.out), "torch_list_size");
        int n = (int) f.out.get(JAVA_LONG, 0);
        Tensor[] out = new Tensor[n];
        for (int i = 0; i < n; i++) {
            check(NativeApi.torch_list_get_item(list, i, f.out), "torch_list_get_item");
            out[i] = Tensor.adopt(f.out.get(JAVA_LONG, 0));
        }
        NativeApi.torch_delete_list(list);
        return out;
    }

    // ---- messages ----

    static String signature(OpHandle op) {
        StringBuilder b = new StringBuilder("(");
        List<OpSchema.Arg> a = op.schema.args();
        for (int i = 0; i < a.size(); i++) b.append(i > 0 ? ", " : "").append(a.get(i).type()).append(' ').append(a.get(i).name());
        return b.append(')').toString();
    }

    static String describe(OpHandle op, Object[] args) {
        StringBuilder b = new StringBuilder();
        List<OpSchema.Arg> a = op.schema.args();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) b.append(", ");
            b.append(i < a.size() ? a.get(i).name() : "#" + i).append('=').append(describeValue(args[i]));
        }
        return b.toString();
    }

    static String describeValue(Object v) {
        if (v == null) return "None";
        if (v instanceof Tensor t) return t.describe();
        if (v instanceof long[] la) return java.util.Arrays.toString(la);
        if (v instanceof int[] ia) return java.util.Arrays.toString(ia);
        if (v instanceof Object[] oa) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < oa.length; i++) b.append(i > 0 ? ", " : "").append(describeValue(oa[i]));
            return b.append(']').toString();
        }
        if (v instanceof List<?> l) return describeValue(l.toArray());
        if (v instanceof String s) return '"' + s + '"';
        return String.valueOf(v);
    }
}
