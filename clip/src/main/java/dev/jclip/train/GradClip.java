package dev.jclip.train;

import dev.jclip.torch.Ops;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Gradient clipping by global norm, like {@code torch.nn.utils.clip_grad_norm_}: all gradients are
 * scaled by {@code maxNorm / (norm + 1e-6)} when the norm of their concatenation exceeds {@code maxNorm}.
 *
 * <pre>{@code
 * double norm = GradClip.clipGlobalNorm(opt.grads().values(), 1.0);
 * }</pre>
 */
public final class GradClip {
    private GradClip() {}

    /** The global L2 norm of {@code grads} (float64 on the host). */
    public static double globalNorm(Collection<Tensor> grads) {
        if (grads.isEmpty()) return 0.0;
        try (Scope s = Scope.open()) {
            return globalNormTensor(grads).item();
        }
    }

    /** The global L2 norm as a 0-dim float32 tensor on the gradients' device (no host synchronisation). */
    public static Tensor globalNormTensor(Collection<Tensor> grads) {
        if (grads.isEmpty()) return Torch.scalar(0.0);
        List<Tensor> norms = new ArrayList<>();
        try (Scope s = Scope.open()) {
            for (Tensor g : grads) norms.add(g.flatten().norm(0, false).to(dev.jclip.torch.DType.F32));
            return s.keep(Torch.stack(norms, 0).norm(0, false));
        }
    }

    /**
     * {@link #clipGlobalNorm} without reading the norm on the host, as {@code clip_grad_norm_}
     * does: the gradients are multiplied by {@code min(1, maxNorm / (norm + 1e-6))} computed on the
     * device, and left alone when the norm is not finite. Returns the pre-clip norm (0-dim tensor).
     */
    public static Tensor clipGlobalNormAsync(Collection<Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max grad norm must be positive, got " + maxNorm);
        if (grads.isEmpty()) return Torch.scalar(0.0);
        try (Scope s = Scope.open()) {
            Tensor norm = globalNormTensor(grads);
            Tensor coef = norm.add(1e-6).reciprocal().mul(maxNorm).clampMax(1.0);
            coef = Torch.where(norm.isfinite(), coef, Torch.onesLike(coef));
            Ops.foreachMul_(grads.toArray(Tensor[]::new), coef.to(grads.iterator().next().dtype()));
            return s.keep(norm);
        }
    }

    /**
     * Scales {@code grads} in place so that their global norm is at most {@code maxNorm};
     * returns the norm before clipping. A non-finite norm leaves them as they are (the step is
     * then skipped by the scaler, or the loss has diverged: the caller decides).
     */
    public static double clipGlobalNorm(Collection<Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max grad norm must be positive, got " + maxNorm);
        double norm = globalNorm(grads);
        double coef = maxNorm / (norm + 1e-6);
        if (Double.isFinite(norm) && coef < 1.0) {
            try (Scope s = Scope.open()) {
                Ops.foreachMul_(grads.toArray(Tensor[]::new), Torch.scalar(coef).to(grads.iterator().next().dtype()));
            }
        }
        return norm;
    }
}
