package dev.jclip.train;

import dev.jclip.model.ClipModel;
import dev.jclip.model.Parameter;
import dev.jclip.torch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@link ClipModel} as the training loop sees it: parameters by their reference names
 * (buffers excluded from the optimizer, kept in the checkpoint), gradients switched on except
 * for towers frozen by a {@link TowerLock}.
 *
 * <pre>{@code
 * ClipModel m = ClipModel.initialized(arch, 0, DType.F32, Device.CPU);
 * ContrastiveModel cm = new ClipModelAdapter(m);
 * }</pre>
 */
public final class ClipModelAdapter implements ContrastiveModel {
    private final ClipModel model;
    private final Set<String> frozen;
    private final boolean frozenStatistics;

    public ClipModelAdapter(ClipModel model) {
        this(model, TowerLock.NONE);
    }

    /**
     * With towers (or parts of them) frozen: their parameters get no gradient and are left out of
     * {@link #namedParameters()}, hence out of the optimizer. Call after the model is on its device.
     */
    public ClipModelAdapter(ClipModel model, TowerLock lock) {
        this.model = model;
        this.frozen = Set.copyOf(lock.frozen(model.architecture(), model.stateDict().keySet()));
        // A frozen ResNet tower must not update its BatchNorm statistics either; the text tower has no mode-dependent layer.
        this.frozenStatistics = lock.freezesImageStatistics();
        model.requiresGrad(true);
        for (Parameter p : model.store().entries()) if (frozen.contains(p.name()) && p.isSet() && !p.isBuffer()) p.get().requiresGrad(false);
    }

    /** The frozen parameters' names. */
    public Set<String> frozen() { return frozen; }

    public ClipModel model() { return model; }

    @Override public Tensor encodeImage(Tensor images) { return model.encodeImage(images); }

    @Override public Tensor encodeText(Tensor tokens) { return model.encodeText(tokens); }

    @Override public Tensor logitScale() { return model.logitScale().get(); }

    @Override public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : model.store().entries()) if (!p.isBuffer() && p.isSet() && !frozen.contains(p.name())) out.put(p.name(), p.get());
        return out;
    }

    @Override public Map<String, Tensor> stateDict() { return model.stateDict(); }

    @Override public void train(boolean on) { model.train(on && !frozenStatistics); }
}
