package dev.jclip.torch;

/**
 * A thread-local grad-mode scope; closing restores the previous mode.
 *
 * <pre>{@code
 * try (var g = Torch.noGrad()) { Tensor y = model.forward(x); }
 * }</pre>
 */
public final class GradMode implements AutoCloseable {
    private final boolean previous;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private GradMode(boolean previous) { this.previous = previous; }

    static GradMode set(boolean enabled) {
        boolean prev = NativeApi.aoti_torch_grad_mode_is_enabled();
        NativeApi.aoti_torch_grad_mode_set_enabled(enabled);
        return new GradMode(prev);
    }

    /** Whether gradients are recorded on this thread. */
    public static boolean isEnabled() { return NativeApi.aoti_torch_grad_mode_is_enabled(); }

    @Override public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) throw new TorchException("grad mode scope closed on another thread than " + owner.getName());
        closed = true;
        NativeApi.aoti_torch_grad_mode_set_enabled(previous);
    }
}
