package dev.jclip.train;

import dev.jclip.model.ClipModel;
import dev.jclip.model.ContrastiveModel;
import dev.jclip.model.Parameter;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link ClipModel} with towers (or their first groups) frozen by a {@link TowerLock}, as the
 * training loop sees it: frozen parameters never require gradients (also after
 * {@link #requiresGrad}, which the {@code Trainer} calls) and are left out of
 * {@link #namedParameters()}, hence out of the optimizer; the state dict keeps them, so checkpoints
 * are whole. A wholly frozen image tower stays in evaluation mode (its BatchNorm statistics do not
 * move; the text tower has no mode-dependent layer).
 *
 * <pre>{@code
 * ContrastiveModel m = new LockedTowers(clipModel, TowerLock.image(0));
 * try (Trainer tr = new Trainer(m, tokenize, config)) { ... }     // the image tower stays bit for bit
 * }</pre>
 */
public final class LockedTowers implements ContrastiveModel {
    private final ClipModel model;
    private final Set<String> frozen;
    private final boolean frozenStatistics;

    /** Call once the model is on its device and in its dtype (moving it re-enables gradients). */
    public LockedTowers(ClipModel model, TowerLock lock) {
        this.model = model;
        this.frozen = Set.copyOf(lock.frozen(model.architecture(), model.stateDict().keySet()));
        this.frozenStatistics = lock.freezesImageStatistics();
        refreeze();
    }

    /** The frozen parameters' names. */
    public Set<String> frozen() { return frozen; }

    /** The wrapped model. */
    public ClipModel model() { return model; }

    private void refreeze() {
        for (Parameter p : model.store().entries()) if (frozen.contains(p.name()) && p.isSet() && !p.isBuffer()) p.get().requiresGrad(false);
    }

    @Override public Tensor encodeImage(Tensor images) { return model.encodeImage(images); }

    @Override public Tensor encodeText(Tensor tokens) { return model.encodeText(tokens); }

    @Override public Tensor logitScale() { return model.logitScale(); }

    @Override public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>(model.namedParameters());
        out.keySet().removeAll(frozen);
        return out;
    }

    @Override public Map<String, Tensor> stateDict() { return model.stateDict(); }

    @Override public LockedTowers train(boolean on) {
        model.train(on && !frozenStatistics);
        return this;
    }

    @Override public LockedTowers requiresGrad(boolean on) {
        model.requiresGrad(on);
        refreeze();
        return this;
    }

    @Override public int imageResolution() { return model.imageResolution(); }

    @Override public int contextLength() { return model.contextLength(); }

    @Override public Device device() { return model.device(); }

    @Override public DType dtype() { return model.dtype(); }
}
