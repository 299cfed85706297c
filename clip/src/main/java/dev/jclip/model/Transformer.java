package dev.jclip.model;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack of {@link ResidualAttentionBlock}s under keys {@code resblocks.<i>}; used by the text
 * tower (causal) and the {@link VisionTransformer} (not causal). Batch-first: [N, L, W].
 *
 * <pre>{@code
 * Transformer t = new Transformer(store, "transformer", 512, 12, 8, true, true);
 * Tensor y = t.forward(x);
 * }</pre>
 */
public final class Transformer extends Module {
    private final List<ResidualAttentionBlock> resblocks = new ArrayList<>();
    private final boolean causal;

    public Transformer(ParameterStore store, String prefix, long width, int layers, long heads, boolean causal,
                       boolean quickGelu) {
        this(store, prefix, width, layers, causal, TowerOptions.openai((int) width, (int) heads, quickGelu));
    }

    /** {@code layers} blocks as {@code options} describe them. */
    public Transformer(ParameterStore store, String prefix, long width, int layers, boolean causal, TowerOptions options) {
        super(store, prefix);
        this.causal = causal;
        for (int i = 0; i < layers; i++) {
            resblocks.add(new ResidualAttentionBlock(store, child("resblocks") + i, width, options));
        }
    }

    public int layers() { return resblocks.size(); }

    public Tensor forward(Tensor x) {
        try (Scope s = Scope.open()) {
            Tensor h = x;
            for (ResidualAttentionBlock b : resblocks) h = b.forward(h, causal);
            // when there are no layers h is x itself, which belongs to the caller: return a new handle
            return s.keep(h == x ? x.view(x.shape()) : h);
        }
    }
}
