package dev.jclip.eval;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;

/**
 * The two towers of a CLIP model as evaluation sees them: images {@code [B, 3, R, R]} and tokens
 * {@code [B, L]} int64 in, unnormalised features {@code [B, D]} out (what openai/CLIP's
 * {@code encode_image} / {@code encode_text} return). Callers run under {@code Torch.noGrad()}
 * and inside a {@code Scope}. {@link ModelEncoder} adapts a {@code ClipModel}; tests use small
 * stand-ins.
 *
 * <pre>{@code
 * ClipEncoder enc = new ModelEncoder(model);
 * try (Scope s = Scope.open(); var g = Torch.noGrad()) {
 *     Tensor f = enc.encodeImage(images);   // [B, D]
 * }
 * }</pre>
 */
public interface ClipEncoder {
    Tensor encodeImage(Tensor images);

    Tensor encodeText(Tensor tokens);

    /** Input side length R the image tower expects. */
    int imageResolution();

    /** Token context length L the text tower expects. */
    int contextLength();

    /** Where the towers' weights live (inputs are moved there). */
    Device device();

    /** The weights' floating dtype (images are cast to it). */
    DType dtype();
}
