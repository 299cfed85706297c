package dev.jclip.io;

import dev.jclip.torch.DType;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pyrolite's unpickler restricted to what PyTorch checkpoints need, the equivalent of
 * {@code torch.load(weights_only=True)}: only globals on an allow-list are ever constructed
 * (OrderedDict, the tensor/parameter rebuild helpers, storage classes, {@code torch.device},
 * {@code torch.Size}, set/frozenset, and for TorchScript the {@code __torch__.*} classes as inert
 * {@link TorchObject}s); any other global is an error naming it. Tensors become
 * {@link TensorData} views over storages supplied by a {@link StorageLoader} (persistent ids).
 * Dicts keep their insertion order.
 */
final class TorchUnpickler extends Unpickler {

    /** A storage referenced by a pickle: {@code ('storage', torch.FloatStorage, key, location, numel)}. */
    record StorageRef(String key, DType dtype, long numel, MemorySegment bytes) {}

    /** Supplies the bytes of storage {@code key} holding {@code numel} elements of {@code dtype}. */
    @FunctionalInterface
    interface StorageLoader {
        MemorySegment load(String key, DType dtype, long numel);
    }

    /** A {@code torch.*Storage} class; only used as a marker inside persistent ids. */
    record StorageType(String name, DType dtype) implements IObjectConstructor {
        @Override public Object construct(Object[] args) {
            throw new PickleException("storage class torch." + name + " cannot be called in a weights-only pickle");
        }
    }

    private static final Map<String, DType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("DoubleStorage", DType.F64),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL),
            Map.entry("UntypedStorage", DType.U8));

    private final Path file;
    private final String entry;
    private final StorageLoader loader;
    private final boolean torchScript;
    private final Map<String, StorageRef> storages = new HashMap<>();
    private long ops;
    private int length;
    private long opOffset;
    private short opcode;

    /**
     * @param file        the archive (for messages)
     * @param entry       the pickle's entry name (for messages)
     * @param loader      resolves storage keys to bytes
     * @param torchScript also allow {@code __torch__.*} classes and TorchScript's list helpers
     */
    TorchUnpickler(Path file, String entry, StorageLoader loader, boolean torchScript) {
        this.file = file;
        this.entry = entry;
        this.loader = loader;
        this.torchScript = torchScript;
    }

    /** Unpickles {@code data}; every failure becomes a {@link CheckpointException} naming file and entry. */
    Object load(byte[] data) {
        length = data.length;
        try {
            return super.load(new ByteArrayInputStream(data));
        } catch (CheckpointException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw malformed("nested too deeply", null);
        } catch (IOException | RuntimeException e) {
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof CheckpointException)) c = c.getCause();
            if (c instanceof CheckpointException ce) throw ce;
            throw malformed(reason(e), e);
        } finally {
            close();
        }
    }

    /** One line naming file, entry, byte offset and opcode. */
    private CheckpointException malformed(String why, Throwable cause) {
        String op = opcode >= 0x20 && opcode < 0x7f ? "'" + (char) opcode + "'" : String.format("0x%02x", opcode);
        return new CheckpointException(file, entry + ": malformed pickle at byte " + opOffset + " (opcode " + op + "): " + why, cause);
    }

    private static String reason(Throwable e) {
        if (e instanceof ClassCastException) return "an operand has the wrong type for this opcode";
        if (e instanceof java.util.EmptyStackException || e instanceof IndexOutOfBoundsException) return "the stack holds too few operands";
        if (e instanceof java.io.EOFException) return "the data ends in the middle of an opcode";
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.lines().findFirst().orElse("");
        return m.length() > 160 ? m.substring(0, 157) + "..." : m;
    }

    /** Storages referenced so far, by key (each loaded once, so shared storages stay shared). */
    Map<String, StorageRef> storages() { return storages; }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        opcode = key;
        int remaining = input.available();
        opOffset = length - remaining - 1L;
        if (++ops > ReadLimits.MAX_PICKLE_OPS)
            throw new CheckpointException(file, entry + ": pickle runs more than " + ReadLimits.MAX_PICKLE_OPS
                    + " opcodes (-Djclip.maxPickleOps); refusing to build it");
        // Length-prefixed operands are checked against what remains before Pyrolite allocates them.
        switch (key) {
            case Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.BINSTRING, Opcodes.LONG4 -> checkLength(key, 4, remaining);
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> checkLength(key, 8, remaining);
            default -> { }
        }
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n))
                    throw new PickleException("STACK_GLOBAL needs two strings");
                stack.add(resolve(m, n));
            }
            case Opcodes.INST -> {
                IObjectConstructor c = resolve(PickleUtils.readline(input), PickleUtils.readline(input));
                stack.add(c.construct(stack.pop_all_since_marker().toArray()));
            }
            case Opcodes.OBJ -> {
                List<Object> args = stack.pop_all_since_marker();
                if (args.isEmpty() || !(args.get(0) instanceof IObjectConstructor c))
                    throw new PickleException("OBJ without an allowed class");
                stack.add(c.construct(args.subList(1, args.size()).toArray()));
            }
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 ->
                    throw new CheckpointException(file, entry + ": pickle uses the copyreg extension registry (EXT opcodes), which is not allowed");
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                List<Object> kv = stack.pop_all_since_marker();
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1));
                stack.add(m);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                asMap(stack.peek(), "SETITEM").put(key(k), value);
            }
            case Opcodes.SETITEMS -> {
                // Pyrolite collects a batch in a HashMap first; keep the pickle's order instead.
                List<Object> kv = stack.pop_all_since_marker();
                Map<Object, Object> m = asMap(stack.peek(), "SETITEMS");
                for (int i = 0; i + 1 < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1));
            }
            case Opcodes.EMPTY_SET -> stack.add(new HashSet<>());
            case Opcodes.ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                Object set = stack.peek();
                if (!(set instanceof java.util.Set<?>)) throw new PickleException("ADDITEMS on a " + typeOf(set) + ", not a set");
                @SuppressWarnings("unchecked") java.util.Set<Object> target = (java.util.Set<Object>) set;
                for (Object it : items) target.add(key(it));
            }
            case Opcodes.FROZENSET -> {
                java.util.Set<Object> set = new HashSet<>();
                for (Object it : stack.pop_all_since_marker()) set.add(key(it));
                stack.add(set);
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object obj = stack.peek();
                if (obj instanceof TorchObject t) t.setState(state);
                else if (!(obj instanceof Map)) // OrderedDict attributes (state_dict's _metadata) hold no tensors
                    throw new PickleException("BUILD on a " + (obj == null ? "None" : obj.getClass().getSimpleName()));
            }
            default -> { return super.dispatch(key); }
        }
        return NO_RETURN_VALUE;
    }

    private void checkLength(short key, int width, int remaining) throws IOException {
        if (remaining < width) throw new java.io.EOFException();
        input.mark(width);
        byte[] b = input.readNBytes(width);
        input.reset();
        long n = 0;
        for (int i = width - 1; i >= 0; i--) n = (n << 8) | (b[i] & 0xff);
        if (n < 0 || n > remaining - width) {
            throw malformed("declares a length of " + Long.toUnsignedString(n) + " bytes but only " + (remaining - width)
                    + " remain in the pickle", null);
        }
    }

    /**
     * A dict key or set element: Python only hashes immutable values, and hashing a crafted
     * self-containing list or dict would recurse without end; so scalars and (bounded) tuples of them.
     */
    private static Object key(Object k) {
        checkHashable(k, 0);
        return k;
    }

    private static void checkHashable(Object k, int depth) {
        if (k == null || k instanceof String || k instanceof Number || k instanceof Boolean || k instanceof byte[]) return;
        if (k instanceof Object[] tuple && depth < 16) {
            for (Object x : tuple) checkHashable(x, depth + 1);
            return;
        }
        throw new PickleException("unhashable " + typeOf(k) + " used as a dict key or set element");
    }

    private static String typeOf(Object o) {
        if (o == null) return "None";
        if (o instanceof Object[]) return "tuple";
        if (o instanceof List<?>) return "list";
        if (o instanceof Map<?, ?>) return "dict";
        if (o instanceof java.util.Set<?>) return "set";
        return o.getClass().getSimpleName();
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object o, String op) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw new PickleException(op + " on a " + (o == null ? "None" : o.getClass().getSimpleName()) + ", not a dict");
    }

    /** The allow-list. */
    private IObjectConstructor resolve(String module, String name) {
        String q = module + "." + name;
        switch (q) {
            case "collections.OrderedDict":
                return args -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (args.length > 0 && args[0] instanceof List<?> items)
                        for (Object it : items) if (it instanceof Object[] p && p.length == 2) m.put(key(p[0]), p[1]);
                    return m;
                };
            case "torch._utils._rebuild_tensor_v2":
                return this::rebuildTensor;
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
                return args -> {
                    if (args.length < 1 || !(args[0] instanceof TensorData)) throw new PickleException(q + " without a tensor");
                    return args[0];
                };
            case "torch.device":
                return args -> args.length == 1 ? String.valueOf(args[0]) : args[0] + ":" + args[1];
            case "torch.Size":
                return args -> args.length == 0 ? new Object[0] : args[0];
            case "builtins.set", "builtins.frozenset", "__builtin__.set", "__builtin__.frozenset":
                return args -> {
                    java.util.Set<Object> set = new HashSet<>();
                    if (args.length > 0) {
                        if (!(args[0] instanceof List<?> items)) throw new PickleException(q + " expects a list, got " + typeOf(args[0]));
                        for (Object it : items) set.add(key(it));
                    }
                    return set;
                };
            case "_codecs.encode":
                // protocol-2 pickles spell bytes as _codecs.encode(str, 'latin1')
                return args -> String.valueOf(args[0]).getBytes(StandardCharsets.ISO_8859_1);
            default:
        }
        if (module.equals("torch") && STORAGE_TYPES.containsKey(name)) return new StorageType(name, STORAGE_TYPES.get(name));
        if (torchScript) {
            if (module.startsWith("__torch__")) return args -> new TorchObject(q);
            if (module.equals("torch.jit._pickle")
                    && (name.equals("restore_type_tag") || name.startsWith("build_") && name.endsWith("list")))
                return args -> args[0];
        }
        throw new CheckpointException(file, entry + ": pickle global '" + q + "' is not on the allow-list"
                + " (a checkpoint may only contain tensors, storages and plain containers); refusing to load it");
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType st))
            throw new PickleException("unsupported persistent id " + describe(pid));
        String key = String.valueOf(t[2]);
        long numel = toLong(t[4], "storage numel");
        StorageRef prev = storages.get(key);
        if (prev != null) {
            if (prev.dtype() != st.dtype())
                throw new CheckpointException(file, entry + ": storage '" + key + "' is used as both " + prev.dtype() + " and " + st.dtype());
            return prev;
        }
        StorageRef ref = new StorageRef(key, st.dtype(), numel, loader.load(key, st.dtype(), numel));
        storages.put(key, ref);
        return ref;
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef s))
            throw new PickleException("_rebuild_tensor_v2 expects (storage, offset, size, stride, ...), got " + describe(args));
        long offset = toLong(args[1], "storage_offset");
        long[] size = longs(args[2], "size");
        long[] stride = longs(args[3], "stride");
        String err = TensorData.fitError(s.dtype(), size, stride, offset, s.bytes().byteSize());
        if (err != null) throw new CheckpointException(file, entry + ": tensor over storage '" + s.key() + "' (" + s.numel()
                + " elements of " + s.dtype() + "): " + err);
        return new TensorData(s.dtype(), size, stride, offset, s.bytes());
    }

    private static long[] longs(Object o, String what) {
        if (!(o instanceof Object[] a)) throw new PickleException(what + " is not a tuple: " + describe(o));
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) out[i] = toLong(a[i], what);
        return out;
    }

    static long toLong(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) return ((Number) o).longValue();
        if (o instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
        throw new PickleException(what + " is not an integer: " + describe(o));
    }

    /** A short description for messages: bounded in depth and length whatever the pickle holds. */
    static String describe(Object o) {
        StringBuilder b = new StringBuilder();
        describe(o, b, 0);
        return b.length() > 200 ? b.substring(0, 197) + "..." : b.toString();
    }

    private static void describe(Object o, StringBuilder b, int depth) {
        if (b.length() > 200) return;
        if (o instanceof Object[] a) {
            if (depth > 4) { b.append("(...)"); return; }
            b.append('(');
            for (int i = 0; i < a.length && b.length() <= 200; i++) {
                if (i > 0) b.append(", ");
                describe(a[i], b, depth + 1);
            }
            b.append(')');
        } else if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof StorageType
                || o instanceof StorageRef) {
            String t = String.valueOf(o);
            b.append(t, 0, Math.min(t.length(), 200));
        } else {
            b.append(typeOf(o));
        }
    }
}
