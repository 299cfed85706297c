package dev.jclip.samples;

import dev.jclip.embed.ClipEmbedder;
import dev.jclip.eval.EvalModel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the embed, index, search and serve commands share about a loaded model: its embedder and
 * what they record about it next to the vectors (they load it through {@link ModelOptions}).
 */
final class Models {
    private Models() {}

    /** The thread-safe embedder over {@code m} (text only when a tokenizer is known). */
    static ClipEmbedder embedder(EvalModel m) {
        return new ClipEmbedder(m.model(), m.preprocess(), m.hasTokenizer() ? m.tokenizer() : null);
    }

    /** Recorded with embeddings and indexes: enough to embed queries with the same model later. */
    static Map<String, String> describe(EvalModel m) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("checkpoint", m.checkpoint().toAbsolutePath().normalize().toString());
        d.put("config", m.model().architecture().toJson());
        d.put("transform", m.transform().toJson());
        if (m.hasTokenizer()) d.put("tokenizer", m.tokenizerSource());
        return d;
    }

    /** The vocabulary a recorded {@code bpe:PATH} tokenizer names (null for others). */
    static Path recordedVocab(Map<String, String> info) {
        String t = info.get("tokenizer");
        return t != null && t.startsWith("bpe:") ? Path.of(t.substring(4)) : null;
    }
}
