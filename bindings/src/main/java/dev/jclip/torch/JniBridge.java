package dev.jclip.torch;

/**
 * Bytedeco's Java API over the same libtorch (embedded mode only): what the C ABI lacks. Used for
 * operator schemas outside {@code native/ops/ops.tsv}, and by the FFM-vs-JNI benchmark. A Bytedeco
 * {@code Tensor}'s address is an {@code at::Tensor*}, i.e. an AtenTensorHandle, so tensors cross
 * without copies.
 */
public final class JniBridge {
    private JniBridge() {}

    private static void require() {
        if (!LibTorch.get().hasJni()) throw new TorchException("the JNI bridge needs embedded mode (Bytedeco's libtorch); "
                + "external libtorch at " + LibTorch.get().directory() + " is FFM-only");
    }

    /** The registered schema text of {@code op.overload}, or null. */
    public static String schemaOf(String op, String overload) {
        require();
        var opt = org.bytedeco.pytorch.Dispatcher.singleton().findSchema(new org.bytedeco.pytorch.OperatorName(op, overload));
        if (!opt.has_value()) return null;
        return org.bytedeco.pytorch.global.torch.toString(opt.get().schema()).getString();
    }

    /** A non-owning Bytedeco view of {@code t} (valid while {@code t} is open). */
    public static org.bytedeco.pytorch.Tensor view(Tensor t) {
        require();
        return new org.bytedeco.pytorch.Tensor(new org.bytedeco.javacpp.Pointer() {
            { address = t.handle().address(); }
        });
    }

    /** Takes ownership of a Bytedeco tensor's value as a jclip tensor (a new handle to the same TensorImpl). */
    public static Tensor adopt(org.bytedeco.pytorch.Tensor bt) {
        require();
        java.lang.foreign.MemorySegment out = Dispatch.FRAME.get().out;
        Dispatch.check(NativeApi.aoti_torch_new_tensor_handle(java.lang.foreign.MemorySegment.ofAddress(bt.address()), out),
                "aoti_torch_new_tensor_handle");
        return Tensor.adopt(out);
    }
}
