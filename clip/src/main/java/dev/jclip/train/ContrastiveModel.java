package dev.jclip.train;

import dev.jclip.torch.Tensor;

import java.util.Map;

/**
 * What the training loop needs from a two-tower model: the two encoders, the learnable
 * temperature and the parameters by their checkpoint names. {@code ClipModel} fits it through
 * an adapter; tests use tiny towers.
 *
 * <pre>{@code
 * ContrastiveModel m = ...;
 * Tensor img = m.encodeImage(images);      // [B, D], not normalized
 * Tensor txt = m.encodeText(tokens);       // [B, D]
 * Tensor loss = new ClipLoss().loss(img, txt, m.logitScale()).loss();
 * }</pre>
 */
public interface ContrastiveModel {
    /** Image features {@code [B, D]} of preprocessed images {@code [B, 3, H, W]}. */
    Tensor encodeImage(Tensor images);

    /** Text features {@code [B, D]} of token ids {@code [B, L]} (int64). */
    Tensor encodeText(Tensor tokens);

    /** The learnable log temperature, a 0-dim parameter ({@code logit_scale}). */
    Tensor logitScale();

    /** Every trainable parameter by its checkpoint name, in a stable order. */
    Map<String, Tensor> namedParameters();

    /** Everything a checkpoint holds: the parameters plus buffers (BatchNorm statistics), by name. */
    default Map<String, Tensor> stateDict() { return namedParameters(); }

    /** Training ({@code true}) or evaluation mode (dropout etc.). */
    void train(boolean on);
}
