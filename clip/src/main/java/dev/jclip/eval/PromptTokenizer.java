package dev.jclip.eval;

import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.Tensor;

import java.util.List;

/**
 * Texts to the token tensor a text tower takes ({@code [n, L]} int64, CPU): usually
 * {@link ClipTokenizer#tokenize(List, int, boolean)} with truncation, as zero-shot prompts of
 * any length must still classify.
 *
 * <pre>{@code
 * PromptTokenizer tok = PromptTokenizer.of(ClipTokenizer.load(vocab), 77);
 * Tensor ids = tok.tokenize(List.of("a photo of a dog."));   // [1, 77]
 * }</pre>
 */
@FunctionalInterface
public interface PromptTokenizer {
    Tensor tokenize(List<String> texts);

    /** {@code tokenizer} at {@code contextLength}, truncating long texts (last id = end of text). */
    static PromptTokenizer of(ClipTokenizer tokenizer, int contextLength) {
        return texts -> tokenizer.tokenize(texts, contextLength, true);
    }
}
