package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

/**
 * Self-attention with the parameter layout of {@code nn.MultiheadAttention}: packed
 * {@code in_proj_weight} [3W, W] / {@code in_proj_bias} [3W] and {@code out_proj.weight} /
 * {@code out_proj.bias}. Works batch-first ([N, L, W]); the heads go through
 * {@code scaled_dot_product_attention}. The reference's additive causal mask (-inf above the
 * diagonal) is expressed as {@code causal = true}, which masks the same positions.
 *
 * <pre>{@code
 * MultiheadAttention attn = new MultiheadAttention(store, "transformer.resblocks.0.attn", 512, 8);
 * Tensor y = attn.forward(x, true);   // x: [N, L, 512]
 * }</pre>
 */
public final class MultiheadAttention extends Module {
    private final Parameter inProjWeight;
    private final Parameter inProjBias;
    private final Linear outProj;
    private final PackedCache packedInProj;
    private final long width;
    private final long heads;

    public MultiheadAttention(ParameterStore store, String prefix, long width, long heads) {
        super(store, prefix);
        if (width % heads != 0) throw new IllegalArgumentException("width " + width + " not divisible by " + heads + " heads");
        this.width = width;
        this.heads = heads;
        inProjWeight = parameter("in_proj_weight", 3 * width, width);
        inProjBias = parameter("in_proj_bias", 3 * width);
        outProj = new Linear(store, child("out_proj"), width, width, true);
        packedInProj = store.packedCache();
    }

    /** Self-attention over {@code x} [N, L, W]; {@code causal}: position i sees positions 0..i only. */
    public Tensor forward(Tensor x, boolean causal) {
        try (Scope s = Scope.open()) {
            long n = x.size(0), l = x.size(1);
            Tensor[] qkv = FastPath.linear(packedInProj, x, inProjWeight, inProjBias).chunk(3, -1);
            Tensor o = F.scaledDotProductAttention(splitHeads(qkv[0], n, l), splitHeads(qkv[1], n, l),
                    splitHeads(qkv[2], n, l), null, causal);
            return s.keep(outProj.forward(mergeHeads(o, n, l, width)));
        }
    }

    /** [N, L, W] -> [N, H, L, W/H]. */
    Tensor splitHeads(Tensor t, long n, long l) {
        return t.reshape(n, l, heads, width / heads).transpose(1, 2);
    }

    /** [N, H, L, D] -> [N, L, H*D]. */
    static Tensor mergeHeads(Tensor t, long n, long l, long width) {
        return t.transpose(1, 2).reshape(n, l, width);
    }
}
