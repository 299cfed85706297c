package dev.jclip.train;

import dev.jclip.model.ClipModel;
import dev.jclip.model.Parameter;
import dev.jclip.torch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link ClipModel} as the training loop sees it: parameters by their reference names
 * (buffers excluded from the optimizer, kept in the checkpoint), gradients switched on.
 *
 * <pre>{@code
 * ClipModel m = ClipModel.initialized(arch, 0, DType.F32, Device.CPU);
 * ContrastiveModel cm = new ClipModelAdapter(m);
 * }</pre>
 */
public final class ClipModelAdapter implements ContrastiveModel {
    private final ClipModel model;

    public ClipModelAdapter(ClipModel model) {
        this.model = model;
        model.requiresGrad(true);
    }

    public ClipModel model() { return model; }

    @Override public Tensor encodeImage(Tensor images) { return model.encodeImage(images); }

    @Override public Tensor encodeText(Tensor tokens) { return model.encodeText(tokens); }

    @Override public Tensor logitScale() { return model.logitScale().get(); }

    @Override public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : model.store().entries()) if (!p.isBuffer() && p.isSet()) out.put(p.name(), p.get());
        return out;
    }

    @Override public Map<String, Tensor> stateDict() { return model.stateDict(); }

    @Override public void train(boolean on) { model.train(on); }
}
