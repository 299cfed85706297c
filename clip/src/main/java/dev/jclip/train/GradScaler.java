package dev.jclip.train;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Ops;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dynamic loss scaling for fp16 training, as {@code torch.amp.GradScaler}, on libtorch's AMP
 * kernels: the loss is multiplied by {@link #scale()} before backward; {@link #unscale} divides
 * the gradients back and checks them for inf/NaN
 * ({@code aten::_amp_foreach_non_finite_check_and_unscale_}); {@link #update} halves the scale
 * after an overflow and doubles it after {@code growthInterval} clean steps
 * ({@code aten::_amp_update_scale_}).
 *
 * <pre>{@code
 * loss.mul(scaler.scaleTensor()).backward();
 * boolean ok = scaler.unscale(grads);   // false: skip the optimizer step
 * if (ok) opt.step(lr);
 * scaler.update();
 * }</pre>
 *
 * On a GPU the state lives on the device ({@link #GradScaler(Device)}; the CUDA AMP kernels take
 * only CUDA tensors) and the loop need not wait: {@link #unscaleAsync} leaves the verdict in
 * {@link #foundInf()} on the device, {@link AdamW#step(double, Tensor)} skips the update there, and
 * {@link #update} adjusts the scale there.
 */
public final class GradScaler implements AutoCloseable {
    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private Tensor scale;          // float32 [1]
    private Tensor growthTracker;  // int32 [1]
    private Tensor foundInf;       // float32 [1]

    /** PyTorch's defaults on the CPU: initial scale 2^16, growth 2, back-off 0.5, interval 2000. */
    public GradScaler() { this(Device.CPU); }

    /** PyTorch's defaults, state on {@code device} (the parameters' device). */
    public GradScaler(Device device) { this(65536.0, 2.0, 0.5, 2000, device); }

    /** State on the CPU. */
    public GradScaler(double initScale, double growthFactor, double backoffFactor, int growthInterval) {
        this(initScale, growthFactor, backoffFactor, growthInterval, Device.CPU);
    }

    public GradScaler(double initScale, double growthFactor, double backoffFactor, int growthInterval, Device device) {
        if (!(initScale > 0) || !(growthFactor > 1) || !(backoffFactor > 0 && backoffFactor < 1) || growthInterval < 1) {
            throw new IllegalArgumentException("bad loss-scaler settings: scale " + initScale + ", growth " + growthFactor
                    + ", back-off " + backoffFactor + ", interval " + growthInterval);
        }
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
        this.scale = Torch.full(new long[]{1}, initScale, DType.F32, device).keep();
        this.growthTracker = Torch.zeros(new long[]{1}, DType.I32, device).keep();
        this.foundInf = Torch.zeros(new long[]{1}, DType.F32, device).keep();
    }

    /** The device the state lives on. */
    public Device device() { return scale.device(); }

    /** Moves the state to {@code device} (no-op when it is there already); returns this. */
    public GradScaler to(Device device) {
        if (device.equals(device())) return this;
        Tensor s = scale.to(device).keep(), g = growthTracker.to(device).keep(), f = foundInf.to(device).keep();
        close();
        scale = s;
        growthTracker = g;
        foundInf = f;
        return this;
    }

    /** The current scale (reads the device: a synchronisation on a GPU). */
    public double scale() { return scale.item(); }

    /** The scale as a float32 tensor of one element, to multiply the loss with. */
    public Tensor scaleTensor() { return scale; }

    /**
     * Unscales {@code grads} in place and reports whether they are all finite. When they are
     * not, the optimizer step must be skipped (the grads hold garbage).
     */
    public boolean unscale(Collection<Tensor> grads) {
        return unscaleAsync(grads).item() == 0.0;
    }

    /**
     * {@link #unscale} without waiting: returns {@link #foundInf()}, non-zero when a gradient was
     * not finite. The gradients must be on the scaler's device.
     */
    public Tensor unscaleAsync(Collection<Tensor> grads) {
        foundInf.zero_();
        if (!grads.isEmpty()) {
            Device d = device();
            for (Tensor g : grads) {
                if (!g.device().equals(d)) throw new IllegalArgumentException("gradient " + g.describe() + " is not on the loss scaler's device " + d);
            }
            try (Scope s = Scope.open()) {
                Tensor inv = scale.to(DType.F64).reciprocal().to(DType.F32);
                Ops.ampForeachNonFiniteCheckAndUnscale_(grads.toArray(Tensor[]::new), foundInf, inv);
            }
        }
        return foundInf;
    }

    /** What the last unscale found: float32 {@code [1]} on the device, non-zero after an overflow (live tensor). */
    public Tensor foundInf() { return foundInf; }

    /** Adjusts the scale after a step from what the last {@link #unscale} found. */
    public void update() {
        Ops.ampUpdateScale_(scale, growthTracker, foundInf, growthFactor, backoffFactor, growthInterval).close();
    }

    /** Scaler state for checkpoints: {@code scale}, {@code growth_tracker} (live tensors). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("scale", scale);
        m.put("growth_tracker", growthTracker);
        return m;
    }

    public void loadState(Map<String, Tensor> saved) {
        for (var e : state().entrySet()) {
            Tensor src = saved.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("loss-scaler state lacks '" + e.getKey() + "'");
            e.getValue().copy_(src);
        }
    }

    @Override public void close() {
        scale.close();
        growthTracker.close();
        foundInf.close();
    }
}
