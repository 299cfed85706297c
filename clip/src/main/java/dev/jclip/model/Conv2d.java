package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Tensor;

/**
 * {@code nn.Conv2d} without bias (every convolution in CLIP has {@code bias=False}): key
 * {@code weight} [out, in, k, k].
 *
 * <pre>{@code
 * Conv2d patchify = new Conv2d(store, "visual.conv1", 3, 768, 32, 32, 0);
 * Tensor grid = patchify.forward(images);   // [N, 768, 7, 7] for 224 px
 * }</pre>
 */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final long stride;
    private final long padding;

    public Conv2d(ParameterStore store, String prefix, long in, long out, long kernel, long stride, long padding) {
        super(store, prefix);
        this.weight = parameter("weight", out, in, kernel, kernel);
        this.stride = stride;
        this.padding = padding;
    }

    public Parameter weight() { return weight; }

    public long stride() { return stride; }

    public long padding() { return padding; }

    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight.get(), null, stride, padding);
    }
}
