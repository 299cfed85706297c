package dev.jclip.samples;

import dev.jclip.embed.ClipEmbedder;
import dev.jclip.eval.EvalModel;
import dev.jclip.io.OutputGuard;
import dev.jclip.model.LoadedClip;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place the embed, index, search and serve commands load a model (so switching to the
 * project's single loader is one change), and what they record about it next to the vectors.
 */
final class Models {
    private Models() {}

    static EvalModel open(Path checkpoint, Path vocab, String device, String dtype) {
        return EvalModel.open(checkpoint, LoadedClip.Options.defaults().withVocab(vocab)
                .withDevice(Device.parse(device).requireAvailable()).withDtype(dtype == null ? null : DType.parse(dtype)));
    }

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

    /** Refuses an output that is one of the inputs (or holds one), before anything is written. */
    static void refuseOutputAmongInputs(Path out, java.util.Collection<Path> inputs) {
        OutputGuard.refuseInputs(out, "--out", "SRC", inputs);          // links and other spellings too
        Path o = out.toAbsolutePath().normalize();
        for (Path in : inputs) {
            Path i = in.toAbsolutePath().normalize();
            if (i.equals(o) || i.startsWith(o)) throw new IllegalArgumentException("--out " + out + " is an input (" + in + "); choose another --out");
        }
    }
}
