package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;

import java.util.Map;

/**
 * A two-tower image-text model as openai/CLIP's {@code CLIP} module exposes it: the two encoders,
 * the learnable temperature {@code logit_scale}, the parameters and state dict by their checkpoint
 * names, training/evaluation mode, and the input geometry ({@code visual.input_resolution},
 * {@code context_length}). {@link ClipModel} implements it; evaluation ({@code dev.jclip.eval})
 * and training ({@code dev.jclip.train}) take it, so tests can pass tiny stand-ins.
 *
 * <p>Nothing here changes state behind the caller's back: gradients stay as the model has them
 * until someone calls {@link #requiresGrad(boolean)} (the {@code Trainer} does, and says so).
 *
 * <pre>{@code
 * ContrastiveModel m = ClipModel.fromCheckpoint(Path.of("ViT-B-32.pt"));
 * Tensor img = m.encodeImage(images);      // [B, D], not normalized
 * Tensor txt = m.encodeText(tokens);       // [B, D]
 * Tensor loss = new ClipLoss().loss(img, txt, m.logitScale()).loss();
 * }</pre>
 */
public interface ContrastiveModel {
    /** Image features {@code [B, D]}, not normalised, of preprocessed images {@code [B, 3, R, R]} ({@code encode_image}). */
    Tensor encodeImage(Tensor images);

    /** Text features {@code [B, D]}, not normalised, of token ids {@code [B, L]} (int64) ({@code encode_text}). */
    Tensor encodeText(Tensor tokens);

    /** The learnable log temperature, the 0-dim parameter {@code logit_scale} (logits use its exp). */
    Tensor logitScale();

    /** Every trainable parameter by its checkpoint name, in a stable order ({@code named_parameters()}). */
    Map<String, Tensor> namedParameters();

    /** Everything a checkpoint holds: the parameters plus buffers (BatchNorm statistics), by name. */
    default Map<String, Tensor> stateDict() { return namedParameters(); }

    /** Training ({@code true}) or evaluation mode (BatchNorm statistics, dropout). */
    ContrastiveModel train(boolean on);

    /** Whether autograd records operations on the parameters. */
    ContrastiveModel requiresGrad(boolean on);

    /** Side length R of the square images the image tower takes ({@code visual.input_resolution}). */
    int imageResolution();

    /** Token context length L the text tower takes ({@code context_length}). */
    int contextLength();

    /** Where the weights live (inputs are moved there). */
    Device device();

    /** The weights' floating dtype (images are cast to it). */
    DType dtype();
}
