package dev.jclip.eval;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.text.TextTooLongException;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * Texts to CLIP text features in batches: tokenized ({@link PromptTokenizer}), {@code batch}
 * texts per forward pass on the model's device, features copied back as float32, unnormalised.
 *
 * <pre>{@code
 * Features f = TextEmbedder.embed(model, tokenizer, List.of("a dog", "a cat"), 256);   // [2, D]
 * }</pre>
 */
public final class TextEmbedder {
    private TextEmbedder() {}

    public static Features embed(ContrastiveModel model, PromptTokenizer tokenizer, List<String> texts, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        float[] all = null;
        int dim = 0;
        try (var g = Torch.noGrad()) {
            for (int from = 0; from < texts.size(); from = (int) Math.min((long) from + batch, texts.size())) { // no int overflow for huge batches
                int n = Math.min(batch, texts.size() - from);
                try (Scope s = Scope.open()) {
                    Tensor tokens;
                    try {
                        tokens = tokenizer.tokenize(texts.subList(from, from + n)).to(model.device());
                    } catch (TextTooLongException e) {
                        throw e.shifted(from); // the index in texts, not in this batch
                    }
                    Tensor f = model.encodeText(tokens).to(Device.CPU, DType.F32);
                    if (all == null) { dim = (int) f.size(1); all = new float[texts.size() * dim]; }
                    System.arraycopy(f.contiguous().toFloatArray(), 0, all, from * dim, n * dim);
                }
            }
        }
        return new Features(all == null ? new float[0] : all, texts.size(), dim);
    }
}
