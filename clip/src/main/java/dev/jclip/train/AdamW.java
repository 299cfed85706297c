package dev.jclip.train;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Ops;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW through libtorch's fused kernel ({@code aten::_fused_adamw_}), CLIP's defaults
 * (betas 0.9/0.98, eps 1e-6, weight decay 0.2), in two groups: weight decay on matrices, none on
 * gains, biases, embeddings and {@code logit_scale} (see {@link #decays}).
 *
 * <pre>{@code
 * AdamW opt = new AdamW(model.namedParameters(), AdamW.Options.clip());
 * loss.backward();
 * opt.step(lr);
 * opt.zeroGrad();
 * }</pre>
 *
 * State (first and second moments, one step count per group) lives outside any scope, on each
 * parameter's device (the CUDA kernel checks that every list it gets, the step counts included, is
 * on one device), and is exposed by name for checkpoints ({@link #state()}, {@link #loadState}).
 * With an fp16 {@link GradScaler}, {@link #step(double, Tensor)} hands the scaler's
 * {@code found_inf} to the kernel, as {@code torch.amp} does for fused optimizers: the kernel skips
 * the update on the device when it is set, so the host never waits for the verdict.
 */
public final class AdamW implements AutoCloseable {
    /** Hyper-parameters; {@link #clip()} are CLIP's. */
    public record Options(double beta1, double beta2, double eps, double weightDecay) {
        public Options {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            if (!(eps > 0)) throw new IllegalArgumentException("eps must be positive, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        public static Options clip() { return new Options(0.9, 0.98, 1e-6, 0.2); }
        public Options withWeightDecay(double wd) { return new Options(beta1, beta2, eps, wd); }
    }

    private final Options options;
    private final Map<String, Tensor> params;
    private final List<String> decayNames = new ArrayList<>();
    private final List<String> plainNames = new ArrayList<>();
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private final Tensor decayStep;   // one float32 step count per group, as torch keeps them
    private final Tensor plainStep;

    public AdamW(Map<String, Tensor> namedParameters, Options options) {
        this.options = options;
        this.params = new LinkedHashMap<>(namedParameters);
        for (var e : params.entrySet()) {
            Tensor p = e.getValue();
            (decays(e.getKey(), p) ? decayNames : plainNames).add(e.getKey());
            // Moments in the parameter's dtype (fp32 master weights) and on its device.
            expAvg.put(e.getKey(), Torch.zerosLike(p).keep());
            expAvgSq.put(e.getKey(), Torch.zerosLike(p).keep());
        }
        Device device = device(params.values());
        this.decayStep = Torch.zeros(new long[0], DType.F32, device).keep();
        this.plainStep = Torch.zeros(new long[0], DType.F32, device).keep();
    }

    /** The one device all parameters live on (the fused kernel takes one device per call). */
    private static Device device(Iterable<Tensor> ps) {
        Device d = null;
        for (Tensor p : ps) {
            Device pd = p.device();
            if (d == null) d = pd;
            else if (!d.equals(pd)) throw new IllegalArgumentException("parameters live on " + d + " and " + pd + ": AdamW needs them on one device");
        }
        return d == null ? Device.CPU : d;
    }

    /** The device of the optimizer's state (the parameters' device). */
    public Device device() { return decayStep.device(); }

    /**
     * Whether {@code name} gets weight decay: open_clip's rule (not for tensors of rank &lt; 2, i.e.
     * gains and biases, nor {@code logit_scale}) plus CLIP's "no decay on embeddings" (token and
     * positional embeddings are matrices).
     */
    public static boolean decays(String name, Tensor p) {
        if (p.dim() < 2) return false;
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return !(n.contains("bias") || n.contains("logit_scale") || n.contains("embedding"));
    }

    public Options options() { return options; }

    /** Names of the parameters that get weight decay. */
    public List<String> decayed() { return List.copyOf(decayNames); }

    /** One update with learning rate {@code lr} for every parameter that has a gradient. */
    public void step(double lr) { step(lr, null); }

    /**
     * One update that the kernel itself skips when {@code foundInf} (a float32 tensor of one
     * element on the parameters' device, from {@link GradScaler#unscale}) is non-zero; the step
     * counts are then taken back on the device ({@code torch.optim}'s fused path does the same).
     * No host synchronisation either way. {@code null}: always update.
     */
    public void step(double lr, Tensor foundInf) {
        if (foundInf != null && !foundInf.device().equals(device())) {
            throw new IllegalArgumentException("found_inf is on " + foundInf.device() + ", the optimizer state on " + device());
        }
        group(decayNames, decayStep, lr, options.weightDecay(), foundInf);
        group(plainNames, plainStep, lr, 0.0, foundInf);
    }

    private void group(List<String> names, Tensor step, double lr, double wd, Tensor foundInf) {
        List<Tensor> ps = new ArrayList<>(), gs = new ArrayList<>(), m = new ArrayList<>(), v = new ArrayList<>(), st = new ArrayList<>();
        try (Scope s = Scope.open()) {
            for (String n : names) {
                Tensor g = params.get(n).grad();
                if (g == null) continue;
                ps.add(params.get(n));
                gs.add(g);
                m.add(expAvg.get(n));
                v.add(expAvgSq.get(n));
                st.add(step); // the kernel only reads the counts: one tensor serves the whole group
            }
            if (ps.isEmpty()) return;
            // The fused kernel reads the step counts as already incremented (torch.optim adds 1
            // first); bias correction at step 0 would divide by 0. Once per group, on the device.
            step.copy_(step.add(1.0));
            Ops.fusedAdamw_(ps.toArray(Tensor[]::new), gs.toArray(Tensor[]::new), m.toArray(Tensor[]::new), v.toArray(Tensor[]::new),
                    new Tensor[0], st.toArray(Tensor[]::new), lr, options.beta1(), options.beta2(), wd, options.eps(),
                    false, false, null, foundInf);
            if (foundInf != null) step.copy_(step.sub(foundInf.reshape(new long[0])));
        }
    }

    /** Drops every gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Tensor p : params.values()) p.setGrad(null);
    }

    /** The gradients that exist, by parameter name (new handles: close them, or open a scope). */
    public Map<String, Tensor> grads() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g != null) out.put(e.getKey(), g);
        }
        return out;
    }

    /**
     * Optimizer state by name: {@code exp_avg.<param>}, {@code exp_avg_sq.<param>}, {@code step.<param>}
     * (live tensors, not copies; every parameter of a group shows its group's one step count, so
     * checkpoints keep torch's per-parameter layout).
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : params.keySet()) {
            out.put("exp_avg." + n, expAvg.get(n));
            out.put("exp_avg_sq." + n, expAvgSq.get(n));
            out.put("step." + n, stepOf(n));
        }
        return out;
    }

    private Tensor stepOf(String name) { return decayNames.contains(name) ? decayStep : plainStep; }

    /** Copies saved state into this optimizer; every entry of {@link #state()} must be present with the same shape. */
    public void loadState(Map<String, Tensor> saved) {
        for (var e : state().entrySet()) {
            Tensor src = saved.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("optimizer state lacks '" + e.getKey() + "'");
            if (!java.util.Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' has shape " + java.util.Arrays.toString(src.shape())
                        + ", expected " + java.util.Arrays.toString(e.getValue().shape()));
            }
            e.getValue().copy_(src);
        }
    }

    @Override public void close() {
        for (Tensor t : expAvg.values()) t.close();
        for (Tensor t : expAvgSq.values()) t.close();
        decayStep.close();
        plainStep.close();
    }
}
