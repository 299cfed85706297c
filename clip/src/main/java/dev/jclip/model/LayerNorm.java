package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

/**
 * CLIP's {@code LayerNorm} (eps 1e-5 unless the config says otherwise, keys {@code weight}, {@code bias}): half-precision inputs
 * (fp16, bf16) are normalised in float32 and cast back, as the reference does for fp16 models;
 * float32 and float64 inputs are normalised in their own precision (the reference's float32 cast
 * would fail for float64; see the fixtures' README).
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(store, "ln_final", 512);
 * Tensor y = ln.forward(x);   // same dtype as x
 * }</pre>
 */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final long width;
    private final double eps;

    public LayerNorm(ParameterStore store, String prefix, long width) {
        this(store, prefix, width, TowerOptions.DEFAULT_EPS);
    }

    /** A LayerNorm with another epsilon (HF {@code layer_norm_eps}, open_clip {@code norm_kwargs.eps}). */
    public LayerNorm(ParameterStore store, String prefix, long width, double eps) {
        super(store, prefix);
        this.width = width;
        this.eps = eps;
        weight = parameter("weight", width);
        bias = parameter("bias", width);
    }

    public Tensor forward(Tensor x) {
        DType in = x.dtype();
        DType compute = in == DType.F16 || in == DType.BF16 ? DType.F32 : in;
        try (Scope s = Scope.open()) {
            Tensor w = weight.get(), b = bias.get();
            Tensor y = F.layerNorm(cast(x, compute), new long[]{width}, cast(w, compute), cast(b, compute), eps);
            return s.keep(cast(y, in));
        }
    }

    private static Tensor cast(Tensor t, DType dtype) { return t.dtype() == dtype ? t : t.to(dtype); }
}
