package dev.jclip.model;

import dev.jclip.torch.Tensor;

/**
 * {@code nn.Linear}: {@code y = x W^T + b} with keys {@code weight} [out, in] and {@code bias} [out].
 *
 * <pre>{@code
 * Linear fc = new Linear(store, "mlp.c_fc", 512, 2048, true);
 * Tensor h = fc.forward(x);
 * }</pre>
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final PackedCache packed;

    public Linear(ParameterStore store, String prefix, long in, long out, boolean withBias) {
        super(store, prefix);
        weight = parameter("weight", out, in);
        bias = withBias ? parameter("bias", out) : null;
        packed = store.packedCache();
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Tensor forward(Tensor x) {
        return FastPath.linear(packed, x, weight, bias);   // F.linear, or oneDNN in float32 CPU inference
    }
}
