package dev.jclip.io;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the parameters and buffers of a TorchScript archive ({@code torch.jit.save}, e.g.
 * OpenAI's released {@code ViT-B-32.pt}) as a flat state dict with the usual dotted names,
 * from the module tree pickled in {@code data.pkl}. No TorchScript code is run: the
 * {@code __torch__.*} objects are inert attribute holders, and a tensor attribute of a module is
 * a parameter or buffer named by its path ({@code visual.transformer.resblocks.0.attn.in_proj_weight}).
 * Traced constants ({@code constants.pkl}, e.g. CLIP's causal mask) are not state and are not read.
 * Scalar attributes of the root module, and its one-element integer tensor buffers
 * {@code input_resolution}, {@code context_length}, {@code vocab_size} (OpenAI's files), become
 * metadata.
 *
 * <pre>{@code
 * try (StateDict sd = TorchScriptArchive.read(Path.of("ViT-B-32.pt"))) {
 *     TensorData proj = sd.get("visual.proj");
 * }
 * }</pre>
 */
public final class TorchScriptArchive {
    private static final int MAX_DEPTH = ReadLimits.MAX_PICKLE_DEPTH;
    /** Root buffers of OpenAI's released archives that are metadata, not weights. */
    static final java.util.List<String> ROOT_INT_BUFFERS = java.util.List.of("input_resolution", "context_length", "vocab_size");

    private TorchScriptArchive() {}

    /** Reads the state dict of a TorchScript archive. */
    public static StateDict read(Path file) {
        Arena arena = Arena.ofShared();
        try {
            return read(ZipStore.open(file, arena), arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static StateDict read(ZipStore z, Arena arena) {
        TorchZip.checkByteOrder(z);
        Object root = TorchZip.unpickle(z, "data.pkl", "data/", true);
        if (!(root instanceof TorchObject module))
            throw new CheckpointException(z.file(), "data.pkl holds a " + TorchZip.typeName(root) + ", not a TorchScript module");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        walk(z.file(), "", module, tensors, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("torchscript_class", module.className());
        // OpenAI's archives keep three integer buffers at the root; build_model and open_clip drop
        // them: they describe the model, they are not weights.
        for (String k : ROOT_INT_BUFFERS) {
            TensorData t = tensors.get(k);
            if (t != null && t.numel() == 1 && !t.dtype().isFloatingPoint()) {
                tensors.remove(k);
                metadata.put(k, String.valueOf(t.toLongArray()[0]));
            }
        }
        module.attributes().forEach((k, v) -> {
            if (!k.startsWith("_") && !k.equals("training") && (v instanceof Number || v instanceof String || v instanceof Boolean))
                metadata.put(k, String.valueOf(v));
        });
        return new StateDict(tensors, metadata, arena, CheckpointFormat.TORCHSCRIPT, z.file());
    }

    private static void walk(Path file, String prefix, TorchObject m, Map<String, TensorData> out,
                             Set<TorchObject> path, int depth) {
        if (depth > MAX_DEPTH || !path.add(m))
            throw new CheckpointException(file, "module tree is cyclic or deeper than " + MAX_DEPTH + " at '" + prefix + "'");
        for (Map.Entry<String, Object> e : m.attributes().entrySet()) {
            Object v = e.getValue();
            if (v instanceof TensorData t) out.put(prefix + e.getKey(), t);
            else if (v instanceof TorchObject sub) walk(file, prefix + e.getKey() + ".", sub, out, path, depth + 1);
        }
        path.remove(m);
    }
}
