package dev.jclip.model;

/**
 * What a CLIP config says about one tower beyond its sizes: the MLP activation, the number of
 * attention heads, the MLP's hidden width, LayerNorm's epsilon and LayerScale. OpenAI's
 * {@code build_model} fixes them (QuickGELU, width/64 heads, 4x MLP, eps 1e-5, no LayerScale);
 * open_clip ({@code quick_gelu}, {@code head_width}, {@code mlp_ratio}, {@code norm_kwargs},
 * {@code ls_init_value}) and HF ({@code hidden_act}, {@code num_attention_heads},
 * {@code intermediate_size}, {@code layer_norm_eps}) set them per model.
 *
 * <pre>{@code
 * TowerOptions vit = TowerOptions.openai(768, true);          // 12 heads, MLP 3072, QuickGELU
 * TowerOptions h14 = new TowerOptions(Activation.GELU, 16, 5120, 1e-5, 0);
 * }</pre>
 *
 * @param activation     MLP activation (unused by a ModifiedResNet)
 * @param heads          attention heads (a ModifiedResNet: its attention pool's)
 * @param mlpWidth       MLP hidden width (0 for a ModifiedResNet, which has none)
 * @param layerNormEps   LayerNorm epsilon
 * @param layerScaleInit LayerScale's initial value; 0 = no LayerScale ({@code ls_1.gamma}, {@code ls_2.gamma} absent)
 */
public record TowerOptions(Activation activation, int heads, int mlpWidth, double layerNormEps, double layerScaleInit) {
    /** LayerNorm's default epsilon in CLIP (PyTorch's). */
    public static final double DEFAULT_EPS = 1e-5;

    public TowerOptions {
        if (activation == null) throw new IllegalArgumentException("invalid CLIP architecture: activation missing");
        if (heads < 1) throw new IllegalArgumentException("invalid CLIP architecture: heads must be >= 1, got " + heads);
        if (mlpWidth < 0) throw new IllegalArgumentException("invalid CLIP architecture: MLP width must be >= 0, got " + mlpWidth);
        if (!(layerNormEps > 0) || !Double.isFinite(layerNormEps))
            throw new IllegalArgumentException("invalid CLIP architecture: layer_norm_eps must be positive, got " + layerNormEps);
        if (!Double.isFinite(layerScaleInit)) throw new IllegalArgumentException("invalid CLIP architecture: ls_init_value must be finite");
    }

    /** What {@code build_model} builds for a transformer of {@code width}: width/64 heads, 4x MLP. */
    public static TowerOptions openai(int width, boolean quickGelu) {
        return openai(width, Math.max(1, width / 64), quickGelu);
    }

    /**
     * {@code build_model}'s transformer with the heads given (the reference constructor's
     * {@code transformer_heads}, the towers' {@code heads} arguments): 4x MLP, eps 1e-5, no LayerScale.
     */
    public static TowerOptions openai(int width, int heads, boolean quickGelu) {
        return new TowerOptions(quickGelu ? Activation.QUICK_GELU : Activation.GELU, heads, 4 * width, DEFAULT_EPS, 0);
    }

    /** {@code build_model}'s ModifiedResNet: an attention pool of {@code width * 32 / 64} heads, no MLP. */
    public static TowerOptions openaiResNet(int width, boolean quickGelu) {
        return new TowerOptions(quickGelu ? Activation.QUICK_GELU : Activation.GELU, Math.max(1, width * 32 / 64), 0, DEFAULT_EPS, 0);
    }

    public boolean layerScale() { return layerScaleInit != 0; }

    public TowerOptions withActivation(Activation a) { return new TowerOptions(a, heads, mlpWidth, layerNormEps, layerScaleInit); }

    public TowerOptions withHeads(int h) { return new TowerOptions(activation, h, mlpWidth, layerNormEps, layerScaleInit); }
}
