package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.GradMode;
import dev.jclip.torch.OneDnn;
import dev.jclip.torch.Tensor;

/**
 * Where the model's forward passes choose their kernels. In float32 CPU inference (no gradient
 * wanted) linear layers and the ResNet's convolutions run on oneDNN with weights packed once per
 * model ({@link PackedCache}), and each ResNet convolution absorbs its BatchNorm (and ReLU), as
 * ONNX Runtime and PyTorch's inference compiler do. Everything else (training, autocast, fp16 /
 * bf16, CUDA, {@code -Djclip.onednn=false}) takes the plain ATen ops, exactly as before.
 * See docs/performance.md for what each choice bought.
 *
 * <pre>{@code
 * Tensor y = FastPath.linear(cache, x, weight, bias);   // F.linear(x, w, b) or oneDNN
 * }</pre>
 */
final class FastPath {
    private FastPath() {}

    /** Whether the oneDNN inference kernels may compute with {@code x} and these parameters (nulls skipped). */
    static boolean oneDnn(Tensor x, Parameter... params) {
        if (!OneDnn.usable(x)) return false;
        boolean grad = GradMode.isEnabled();
        for (Parameter p : params) {
            if (p == null) continue;
            Tensor t = p.get();
            if (t.dtype() != DType.F32 || t.device().type() != Device.Type.CPU || (grad && t.requiresGrad())) return false;
        }
        return true;
    }

    /** {@code F.linear(x, weight, bias)}; {@code bias} may be null. */
    static Tensor linear(PackedCache cache, Tensor x, Parameter weight, Parameter bias) {
        Tensor b = bias == null ? null : bias.get();
        if (!oneDnn(x, weight, bias)) return F.linear(x, weight.get(), b);
        Tensor w = cache.get(new Parameter[]{weight}, src -> new Tensor[]{OneDnn.packLinearWeight(src[0], null)})[0];
        return OneDnn.linear(x, w, b, OneDnn.Fuse.NONE);
    }

    /**
     * {@code relu?(bn(conv(x)))}. In inference the BatchNorm (running statistics) is folded into
     * the convolution: {@code W' = W * s}, {@code b' = beta - mean * s} with
     * {@code s = gamma / sqrt(var + eps)}, then one oneDNN call with the ReLU fused.
     */
    static Tensor convBn(PackedCache cache, Conv2d conv, BatchNorm2d bn, Tensor x, boolean relu) {
        if (bn.isTraining() || !oneDnn(x, conv.weight(), bn.weight(), bn.bias(), bn.runningMean(), bn.runningVar())) {
            Tensor y = bn.forward(conv.forward(x));
            return relu ? y.relu() : y;
        }
        long[] inputSize = x.shape();
        Tensor[] wb = cache.get(new Parameter[]{conv.weight(), bn.weight(), bn.bias(), bn.runningMean(), bn.runningVar()}, src -> {
            Tensor scale = src[1].mul(src[4].add(bn.eps()).rsqrt());
            Tensor w = src[0].mul(scale.reshape(-1, 1, 1, 1));
            Tensor b = src[2].sub(src[3].mul(scale)).contiguous();
            return new Tensor[]{OneDnn.packConv2dWeight(w, conv.stride(), conv.padding(), inputSize), b};
        });
        return OneDnn.conv2d(x, wb[0], wb[1], conv.stride(), conv.padding(), relu ? OneDnn.Fuse.RELU : OneDnn.Fuse.NONE);
    }
}
