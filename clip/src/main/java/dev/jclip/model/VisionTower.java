package dev.jclip.model;

import dev.jclip.torch.Tensor;

/**
 * An image encoder of CLIP: images [N, 3, H, W] (already normalised) to features [N, embed_dim].
 * Implemented by {@link VisionTransformer} and {@link ModifiedResNet}.
 *
 * <pre>{@code
 * VisionTower v = model.visual();
 * Tensor f = v.forward(images);
 * }</pre>
 */
public interface VisionTower {
    /** Image features (not normalised). */
    Tensor forward(Tensor images);

    /** The image side the tower was built for (other sizes interpolate the positional embedding). */
    int inputResolution();

    /** The first convolution's weight: its dtype is the model's dtype, as in the reference. */
    Parameter conv1Weight();
}
