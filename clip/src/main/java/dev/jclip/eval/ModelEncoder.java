package dev.jclip.eval;

import dev.jclip.model.ClipModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;

/**
 * A {@link ClipModel} as a {@link ClipEncoder}: its towers, resolution and context length.
 *
 * <pre>{@code
 * ClipEncoder enc = new ModelEncoder(model);
 * ImageEmbedder.Result r = new ImageEmbedder(enc, 64).embedFiles(files);
 * }</pre>
 */
public record ModelEncoder(ClipModel model) implements ClipEncoder {
    @Override public Tensor encodeImage(Tensor images) { return model.encodeImage(images); }

    @Override public Tensor encodeText(Tensor tokens) { return model.encodeText(tokens); }

    @Override public int imageResolution() { return model.architecture().imageResolution(); }

    @Override public int contextLength() { return model.architecture().contextLength(); }

    @Override public Device device() { return model.device(); }

    @Override public DType dtype() { return model.dtype(); }
}
