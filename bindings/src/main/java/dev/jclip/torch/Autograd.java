package dev.jclip.torch;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Backward passes and gradient slots. Backward is the op {@code aten::_backward}; the gradient slot
 * is reached through the exported {@code c10::TensorImpl::grad()} / {@code mutable_grad()}, which
 * return an {@code at::Tensor} reference, i.e. a borrowed handle.
 */
final class Autograd {
    private Autograd() {}

    /** Backward runs under {@link OneDnnGuard}: on CPUs whose oneDNN gradients are wrong, without oneDNN. */
    static void backward(Tensor root, Tensor gradient, boolean retainGraph) {
        OneDnnGuard.backward(root, () -> Ops.backward(root, new Tensor[0], gradient, retainGraph, false));
    }

    /** The gradient of {@code t} as a new owning tensor, or null when undefined. */
    static Tensor grad(Tensor t) {
        MemorySegment h = t.acquire(); // the borrowed gradient lives in t's TensorImpl: hold t until copied out
        MemorySegment out = Dispatch.FRAME.get().out;
        try {
            MemorySegment borrowed = NativeApi._ZNK3c1010TensorImpl4gradEv(Tensor.implPointer(h));
            Dispatch.check(NativeApi.aoti_torch_is_defined(borrowed, out), "aoti_torch_is_defined");
            if (!out.get(java.lang.foreign.ValueLayout.JAVA_BOOLEAN, 0)) return null;
            Dispatch.check(NativeApi.aoti_torch_new_tensor_handle(borrowed, out), "aoti_torch_new_tensor_handle");
        } finally {
            t.release();
        }
        return Tensor.adopt(out);
    }

    /** {@code t.grad = grad} ({@code null}: no gradient, like {@code zero_grad(set_to_none=True)}). */
    static void setGrad(Tensor t, Tensor grad) {
        MemorySegment h = t.acquire();
        try {
            setGrad(NativeApi._ZN3c1010TensorImpl12mutable_gradEv(Tensor.implPointer(h)), grad);
        } finally {
            t.release();
        }
    }

    private static void setGrad(MemorySegment slot, Tensor grad) {
        if (grad != null) {
            MemorySegment g = grad.acquire();
            try {
                Dispatch.check(NativeApi.aoti_torch_assign_tensors(g, slot), "aoti_torch_assign_tensors");
            } finally {
                grad.release();
            }
            return;
        }
        MemorySegment out = Dispatch.FRAME.get().out;
        Dispatch.check(NativeApi.aoti_torch_new_uninitialized_tensor(out), "aoti_torch_new_uninitialized_tensor");
        MemorySegment undefined = MemorySegment.ofAddress(out.get(JAVA_LONG, 0));
        try {
            Dispatch.check(NativeApi.aoti_torch_assign_tensors(undefined, slot), "aoti_torch_assign_tensors");
        } finally {
            NativeApi.aoti_torch_delete_tensor_object(undefined);
        }
    }
}
