package dev.jclip.model;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

/**
 * The reference's pre-LayerNorm transformer block: {@code x + attn(ln_1(x))}, then
 * {@code x + mlp(ln_2(x))} with {@code mlp = c_proj(act(c_fc(x)))} (4x width unless the config says
 * otherwise; QuickGELU, exact or tanh GELU), each branch scaled by open_clip's LayerScale when the
 * config has one. Keys: {@code ln_1}, {@code attn}, {@code ln_2}, {@code mlp.c_fc}, {@code mlp.c_proj},
 * {@code ls_1.gamma}, {@code ls_2.gamma}.
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
    private final Activation activation;
    /** open_clip's LayerScale ({@code ls_1.gamma}, {@code ls_2.gamma}); null when the config has none. */
    private final Parameter ls1, ls2;

    public ResidualAttentionBlock(ParameterStore store, String prefix, long width, long heads, boolean quickGelu) {
        this(store, prefix, width, TowerOptions.openai((int) width, (int) heads, quickGelu));
    }

    /** A block as {@code options} describe it (heads, MLP width, activation, LayerNorm eps, LayerScale). */
    public ResidualAttentionBlock(ParameterStore store, String prefix, long width, TowerOptions options) {
        super(store, prefix);
        this.activation = options.activation();
        long mlp = options.mlpWidth();
        attn = new MultiheadAttention(store, child("attn"), width, options.heads());
        ln1 = new LayerNorm(store, child("ln_1"), width, options.layerNormEps());
        cFc = new Linear(store, child("mlp") + "c_fc", width, mlp, true);
        cProj = new Linear(store, child("mlp") + "c_proj", mlp, width, true);
        ln2 = new LayerNorm(store, child("ln_2"), width, options.layerNormEps());
        ls1 = options.layerScale() ? store.parameter(child("ls_1") + "gamma", width) : null;
        ls2 = options.layerScale() ? store.parameter(child("ls_2") + "gamma", width) : null;
    }

    /** {@code x}: [N, L, W]; {@code causal} masks future positions (the text tower). */
    public Tensor forward(Tensor x, boolean causal) {
        try (Scope s = Scope.open()) {
            Tensor a = attn.forward(ln1.forward(x), causal);
            Tensor h = x.add(ls1 == null ? a : a.mul(ls1.get().to(a.dtype())));
            Tensor m = cProj.forward(activation.apply(cFc.forward(ln2.forward(h))));
            return s.keep(h.add(ls2 == null ? m : m.mul(ls2.get().to(m.dtype()))));
        }
    }
}
