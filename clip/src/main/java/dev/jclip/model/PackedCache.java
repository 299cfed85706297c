package dev.jclip.model;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.function.Function;

/**
 * Inference-only tensors derived from parameters (oneDNN's packed weight layouts, a BatchNorm
 * folded into its convolution): made on first use, kept while the sources stay the same, and
 * remade when a source tensor is replaced ({@link ParameterStore#load}, {@link ParameterStore#to})
 * or written in place (an optimizer step moves its version counter). Owned by the
 * {@link ParameterStore} that made it, which frees it with the model.
 *
 * <pre>{@code
 * PackedCache packed = store.packedCache();
 * Tensor w = packed.get(new Parameter[]{weight}, src -> new Tensor[]{OneDnn.packLinearWeight(src[0], null)})[0];
 * }</pre>
 */
final class PackedCache {
    private Tensor[] sources;
    private long[] versions;
    private Tensor[] packed;

    PackedCache() {}

    /** The derived tensors for the current tensors of {@code params}, made by {@code make} when stale. */
    synchronized Tensor[] get(Parameter[] params, Function<Tensor[], Tensor[]> make) {
        Tensor[] now = new Tensor[params.length];
        for (int i = 0; i < now.length; i++) now[i] = params[i].get();
        if (packed != null && current(now)) return packed;
        clear();
        long[] v = new long[now.length];
        for (int i = 0; i < now.length; i++) v[i] = now[i].version();
        Tensor[] made;
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            made = make.apply(now);
            for (Tensor t : made) t.persist();
        }
        sources = now;
        versions = v;
        packed = made;
        return made;
    }

    private boolean current(Tensor[] now) {
        for (int i = 0; i < now.length; i++) {
            if (now[i] != sources[i] || now[i].version() != versions[i]) return false;
        }
        return true;
    }

    /** Frees the derived tensors (they are remade on next use). */
    synchronized void clear() {
        if (packed != null) for (Tensor t : packed) t.close();
        packed = null;
        sources = null;
        versions = null;
    }
}
