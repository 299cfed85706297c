package dev.jclip.io;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads checkpoints written by {@code torch.save} (PyTorch >= 1.6 zip format): {@code data.pkl}
 * is unpickled with the weights-only allow-list, and every tensor is a zero-copy view of its
 * {@code data/<key>} entry in the memory-mapped file (storages shared between tensors stay
 * shared). Wrapped checkpoints are unwrapped: a top-level {@code state_dict} (open_clip,
 * Lightning) or {@code model} dict is taken as the state dict, and its sibling scalars
 * ({@code epoch}, {@code name}, ...) become metadata. Other nested dicts are flattened with dots.
 *
 * <pre>{@code
 * try (StateDict sd = TorchZip.read(Path.of("epoch_32.pt"))) {
 *     sd.names().forEach(System.out::println);
 * }
 * }</pre>
 */
public final class TorchZip {
    private TorchZip() {}

    /** Reads a {@code torch.save} file. */
    public static StateDict read(Path file) {
        Arena arena = Arena.ofShared();
        try {
            ZipStore z = ZipStore.open(file, arena);
            if (z.has("constants.pkl") || z.hasFolder("code/"))
                throw new CheckpointException(file, "this is a TorchScript archive (torch.jit.save), not a torch.save file: use TorchScriptArchive.read or Checkpoints.load");
            return read(z, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static StateDict read(ZipStore z, Arena arena) {
        checkByteOrder(z);
        Object root = unpickle(z, "data.pkl", "data/", false);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!(root instanceof Map<?, ?> top)) {
            if (root instanceof TensorData t) tensors.put("tensor", t);
            else throw new CheckpointException(z.file(), "data.pkl holds a " + typeName(root) + ", not a dict of tensors");
        } else {
            Object inner = top.get("state_dict") instanceof Map<?, ?> m ? m : top.get("model");
            if (inner instanceof Map<?, ?> sd) {
                for (Map.Entry<?, ?> e : top.entrySet())
                    if (isScalar(e.getValue())) metadata.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
                flatten(z.file(), "", sd, tensors, metadata, newPath(), 0);
            } else {
                flatten(z.file(), "", top, tensors, metadata, newPath(), 0);
            }
        }
        return new StateDict(tensors, metadata, arena, CheckpointFormat.TORCH_ZIP, z.file());
    }

    /** Unpickles {@code rel} with storages from {@code folder}. */
    static Object unpickle(ZipStore z, String rel, String folder, boolean torchScript) {
        byte[] pkl = z.bytes(rel, "the pickled object");
        TorchUnpickler u = new TorchUnpickler(z.file(), z.prefix() + rel,
                (key, dtype, numel) -> z.storage(folder, key, dtype, numel), torchScript);
        return u.load(pkl);
    }

    /** PyTorch >= 2.1 records the byte order; big-endian archives would need byte swapping. */
    static void checkByteOrder(ZipStore z) {
        if (!z.has("byteorder")) return;
        String order = new String(z.bytes("byteorder", null), java.nio.charset.StandardCharsets.US_ASCII).trim();
        if (!order.equals("little"))
            throw new CheckpointException(z.file(), "archive byteorder is '" + order + "'; only little-endian checkpoints are supported");
    }

    private static java.util.Set<Object> newPath() {
        return java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    }

    /** Nested dicts to dotted names; a dict that contains itself, or nesting past the limit, is refused. */
    private static void flatten(Path file, String prefix, Map<?, ?> m, Map<String, TensorData> tensors, Map<String, String> metadata,
                                java.util.Set<Object> path, int depth) {
        if (depth > ReadLimits.MAX_PICKLE_DEPTH || !path.add(m)) {
            String at = prefix.length() > 120 ? prefix.substring(0, 117) + "..." : prefix;
            throw new CheckpointException(file, "data.pkl: dict is " + (depth > ReadLimits.MAX_PICKLE_DEPTH
                    ? "nested deeper than " + ReadLimits.MAX_PICKLE_DEPTH + " (-Djclip.maxPickleDepth)" : "contained in itself")
                    + " at '" + at + "'");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof TensorData t) tensors.put(name, t);
            else if (v instanceof Map<?, ?> sub) flatten(file, name + ".", sub, tensors, metadata, path, depth + 1);
            else if (isScalar(v)) metadata.put(name, String.valueOf(v));
        }
        path.remove(m);
    }

    private static boolean isScalar(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    static String typeName(Object o) {
        if (o == null) return "None";
        if (o instanceof Object[]) return "tuple";
        if (o instanceof List) return "list";
        return o.getClass().getSimpleName();
    }
}
