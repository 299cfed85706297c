package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

/**
 * The reference's pre-LayerNorm transformer block: {@code x + attn(ln_1(x))}, then
 * {@code x + mlp(ln_2(x))} with {@code mlp = c_proj(gelu(c_fc(x)))} (4x width), QuickGELU or
 * exact GELU. Keys: {@code ln_1}, {@code attn}, {@code ln_2}, {@code mlp.c_fc}, {@code mlp.c_proj}.
 *
 * <pre>{@code
 * var block = new ResidualAttentionBlock(store, "transformer.resblocks.0", 512, 8, true);
 * Tensor y = block.forward(x, true);   // x: [N, L, 512]
 * }</pre>
 */
public final class ResidualAttentionBlock extends Module {
    private final LayerNorm ln1;
    private final MultiheadAttention attn;
    private final LayerNorm ln2;
    private final Linear cFc;
    private final Linear cProj;
    private final boolean quickGelu;

    public ResidualAttentionBlock(ParameterStore store, String prefix, long width, long heads, boolean quickGelu) {
        super(store, prefix);
        this.quickGelu = quickGelu;
        attn = new MultiheadAttention(store, child("attn"), width, heads);
        ln1 = new LayerNorm(store, child("ln_1"), width);
        cFc = new Linear(store, child("mlp") + "c_fc", width, 4 * width, true);
        cProj = new Linear(store, child("mlp") + "c_proj", 4 * width, width, true);
        ln2 = new LayerNorm(store, child("ln_2"), width);
    }

    /** {@code x}: [N, L, W]; {@code causal} masks future positions (the text tower). */
    public Tensor forward(Tensor x, boolean causal) {
        try (Scope s = Scope.open()) {
            Tensor h = x.add(attn.forward(ln1.forward(x), causal));
            Tensor m = cFc.forward(ln2.forward(h));
            m = quickGelu ? F.quickGelu(m) : F.gelu(m, false);
            return s.keep(h.add(cProj.forward(m)));
        }
    }
}
