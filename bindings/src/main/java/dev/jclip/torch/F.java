package dev.jclip.torch;

/**
 * Neural-network functions, like {@code torch.nn.functional}.
 *
 * <pre>{@code
 * Tensor h = F.gelu(F.linear(x, w, b), false);
 * Tensor a = F.scaledDotProductAttention(q, k, v, null, true);
 * }</pre>
 */
public final class F {
    private F() {}

    /** {@code x @ weight^T + bias} (bias may be null). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return Ops.linear(x, weight, bias); }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long dilation, long groups) {
        return Ops.conv2d(x, weight, bias, new long[]{stride, stride}, new long[]{padding, padding}, new long[]{dilation, dilation}, groups);
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /**
     * Transposed 2-d convolution ({@code torch.nn.functional.conv_transpose2d}); {@code weight} is
     * [in, out / groups, kH, kW], bias may be null.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long outputPadding, long groups) {
        return Ops.convTranspose2d(x, weight, bias, new long[]{stride, stride}, new long[]{padding, padding},
                new long[]{outputPadding, outputPadding}, groups, new long[]{1, 1});
    }

    /** LayerNorm over the last {@code normalizedShape.length} dims (weight/bias may be null). */
    public static Tensor layerNorm(Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Ops.layerNorm(x, normalizedShape, weight, bias, eps, true);
    }

    /** BatchNorm; in training mode updates {@code runningMean}/{@code runningVar} in place. */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return Ops.batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps, true);
    }

    /** GELU, exact ({@code tanh = false}) or the tanh approximation. */
    public static Tensor gelu(Tensor x, boolean tanh) { return Ops.gelu(x, tanh ? "tanh" : "none"); }

    /** OpenAI CLIP's QuickGELU: {@code x * sigmoid(1.702 x)}. */
    public static Tensor quickGelu(Tensor x) {
        try (Scope s = Scope.open()) {
            return s.keep(x.mul(x.mul(1.702).sigmoid()));
        }
    }

    public static Tensor relu(Tensor x) { return Ops.relu(x); }
    public static Tensor sigmoid(Tensor x) { return Ops.sigmoid(x); }
    public static Tensor silu(Tensor x) { return Ops.silu(x); }
    public static Tensor dropout(Tensor x, double p, boolean training) { return Ops.dropout(x, p, training); }

    /** Rows of {@code weight} picked by integer {@code indices}. */
    public static Tensor embedding(Tensor weight, Tensor indices) { return Ops.embedding(weight, indices, -1, false, false); }

    /**
     * Attention {@code softmax(q k^T / sqrt(d) + mask) v}; {@code mask} (bool: true = attend, or
     * float: added) may be null; {@code causal} masks future positions.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        return Ops.scaledDotProductAttention(q, k, v, mask, 0.0, causal, null, false);
    }

    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, double dropout, boolean causal) {
        return Ops.scaledDotProductAttention(q, k, v, mask, dropout, causal, null, false);
    }

    public static Tensor avgPool2d(Tensor x, long kernel, long stride, long padding) {
        return Ops.avgPool2d(x, new long[]{kernel, kernel}, new long[]{stride, stride}, new long[]{padding, padding}, false, true, null);
    }

    public static Tensor adaptiveAvgPool2d(Tensor x, long outH, long outW) { return Ops.adaptiveAvgPool2d(x, new long[]{outH, outW}); }

    public static Tensor maxPool2d(Tensor x, long kernel, long stride, long padding) {
        return Ops.maxPool2d(x, new long[]{kernel, kernel}, new long[]{stride, stride}, new long[]{padding, padding}, new long[]{1, 1}, false);
    }

    /** Mean cross-entropy of {@code logits} [N, C] against class indices [N], with label smoothing. */
    public static Tensor crossEntropy(Tensor logits, Tensor target, double labelSmoothing) {
        return Ops.crossEntropyLoss(logits, target, null, 1 /* Mean */, -100, labelSmoothing);
    }

    public static Tensor crossEntropy(Tensor logits, Tensor target) { return crossEntropy(logits, target, 0.0); }

    public static Tensor mseLoss(Tensor x, Tensor target) { return Ops.mseLoss(x, target, 1); }

    public static Tensor softmax(Tensor x, long dim) { return Ops.softmax(x, dim, null); }
    public static Tensor logSoftmax(Tensor x, long dim) { return Ops.logSoftmax(x, dim, null); }
    public static Tensor normalize(Tensor x, long dim) { return x.normalize(dim); }

    /** Antialiased bicubic resize of [N, C, H, W] (libtorch's, close to PIL's but not equal). */
    public static Tensor resizeBicubicAntialias(Tensor x, long outH, long outW) {
        return Ops.upsampleBicubic2dAa(x, new long[]{outH, outW}, false, null, null);
    }

    /** Bicubic interpolation (no antialias) of [N, C, H, W], as {@code F.interpolate(mode="bicubic")}. */
    public static Tensor interpolateBicubic(Tensor x, long outH, long outW, boolean alignCorners) {
        return Ops.upsampleBicubic2d(x, new long[]{outH, outW}, alignCorners, null, null);
    }

    public static Tensor oneHot(Tensor indices, long numClasses) { return Ops.oneHot(indices, numClasses); }
}
