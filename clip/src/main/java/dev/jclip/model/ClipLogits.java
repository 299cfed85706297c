package dev.jclip.model;

import dev.jclip.torch.Tensor;

/**
 * What {@link ClipModel#forward} returns, as the reference's {@code forward}: scaled cosine
 * similarities {@code logitsPerImage} [images, texts] and its transpose {@code logitsPerText}.
 * Closing frees both.
 *
 * <pre>{@code
 * try (ClipLogits out = model.forward(images, tokens)) {
 *     Tensor probs = out.logitsPerImage().softmax(-1);
 * }
 * }</pre>
 *
 * @param logitsPerImage {@code exp(logit_scale) * normalize(image) @ normalize(text)^T}
 * @param logitsPerText  {@code logitsPerImage^T}
 */
public record ClipLogits(Tensor logitsPerImage, Tensor logitsPerText) implements AutoCloseable {
    @Override public void close() {
        logitsPerImage.close();
        logitsPerText.close();
    }
}
