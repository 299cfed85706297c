package dev.jclip.torch;

/**
 * oneDNN (mkldnn) kernels for float32 inference on the CPU, with weights packed once into
 * oneDNN's blocked layout. libtorch's own {@code aten::linear} runs float32 matmuls on its BLAS
 * (OpenBLAS in Bytedeco's build, whose kernel choice follows {@code OPENBLAS_CORETYPE}), and its
 * {@code aten::conv2d} reorders the weight on every call; these entry points are the ones
 * PyTorch's own inference compiler (Inductor's freezing pass) uses instead:
 * {@code mkldnn::_reorder_linear_weight} + {@code mkldnn::_linear_pointwise} and
 * {@code mkldnn::_reorder_convolution_weight} + {@code mkldnn::_convolution_pointwise}.
 * They have no autograd formula: callers use them only when no gradient is wanted
 * ({@link #usable(Tensor)}).
 *
 * <p>On by default where libtorch has oneDNN; off with {@code -Djclip.onednn=false} or
 * {@link #setEnabled(boolean)} (then the plain ATen ops run).
 *
 * <pre>{@code
 * Tensor packed = OneDnn.packLinearWeight(w, null).persist();   // once
 * Tensor y = OneDnn.linear(x, packed, b, OneDnn.Fuse.NONE);     // per call, x: [..., in]
 * }</pre>
 */
public final class OneDnn {
    /** An activation fused into the kernel's output. */
    public enum Fuse {
        NONE("none"), RELU("relu");
        final String attr;
        Fuse(String attr) { this.attr = attr; }
    }

    private static volatile Boolean enabled;

    private OneDnn() {}

    /** Whether libtorch was built with oneDNN and it has not been switched off in libtorch ({@code setUserEnabledMkldnn}). */
    public static boolean available() {
        return NativeApi._ZN2at7Context9hasMKLDNNEv()
                && NativeApi._ZNK2at7Context17userEnabledMkldnnEv(NativeApi._ZN2at13globalContextEv());
    }

    /** Whether jclip's models use these kernels for inference (default: {@code -Djclip.onednn}, else true). */
    public static boolean enabled() {
        Boolean e = enabled;
        if (e == null) enabled = e = !"false".equalsIgnoreCase(System.getProperty("jclip.onednn", "true"));
        return e;
    }

    /** Switches the inference kernels on or off for the whole JVM (benchmarks compare both). */
    public static void setEnabled(boolean on) { enabled = on; }

    /**
     * Whether {@code x} can take the oneDNN inference path: enabled and available, float32 on the
     * CPU, and no gradient wanted (grad mode off, or {@code x} does not require grad; the weights
     * are checked by the caller).
     */
    public static boolean usable(Tensor x) {
        return enabled() && x.dtype() == DType.F32 && x.device().type() == Device.Type.CPU
                && (!GradMode.isEnabled() || !x.requiresGrad()) && available();
    }

    /** A linear weight [out, in] packed for {@link #linear}; {@code batchHint} (rows of x) may be null. */
    public static Tensor packLinearWeight(Tensor weight, Long batchHint) {
        return Ops.mkldnnReorderLinearWeight(weight.contiguous(), batchHint);
    }

    /** {@code x @ W^T + b} with a {@link #packLinearWeight packed} (or plain [out, in]) weight; {@code bias} may be null. */
    public static Tensor linear(Tensor x, Tensor packedWeight, Tensor bias, Fuse fuse) {
        return Ops.mkldnnLinearPointwise(x, packedWeight, bias, fuse.attr, null);
    }

    /**
     * A convolution weight [out, in, kh, kw] packed for {@link #conv2d}, for inputs of
     * {@code inputSize} [N, C, H, W] (may be null: a generic layout).
     */
    public static Tensor packConv2dWeight(Tensor weight, long stride, long padding, long[] inputSize) {
        return Ops.mkldnnReorderConvolutionWeight(weight.contiguous(), new long[]{padding, padding},
                new long[]{stride, stride}, new long[]{1, 1}, 1, inputSize);
    }

    /** A 2-D convolution (groups 1, dilation 1) with a packed weight; {@code bias} may be null. */
    public static Tensor conv2d(Tensor x, Tensor packedWeight, Tensor bias, long stride, long padding, Fuse fuse) {
        return Ops.mkldnnConvolutionPointwise(x, packedWeight, bias, new long[]{padding, padding},
                new long[]{stride, stride}, new long[]{1, 1}, 1, fuse.attr, null);
    }
}
