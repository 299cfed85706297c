package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.index.VectorIndex;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * The model options of the commands that can take the model an index records ({@code clip index
 * --append}, {@code search}, {@code serve}): {@link CheckpointOptions}' flags, spelled and
 * described the same, but with {@code --checkpoint} optional.
 *
 * <pre>{@code
 * @Mixin RecordedCheckpointOptions ckpt;
 * try (EvalModel m = ckpt.open(index.info(), "pass --checkpoint")) { ... }
 * }</pre>
 */
public final class RecordedCheckpointOptions extends ModelOptions {
    @Option(names = "--checkpoint", paramLabel = "PATH", description = CHECKPOINT + "; default: the one the index records, with its recorded tokenizer.")
    Path checkpoint;

    /** {@code --checkpoint}, else the one {@code recorded} (an index's info, or null) names; null when neither. */
    Path checkpoint(Map<String, String> recorded) {
        if (checkpoint != null) return checkpoint;
        String c = recorded == null ? null : recorded.get("checkpoint");
        return c == null ? null : Path.of(c);
    }

    /**
     * Loads {@link #checkpoint(Map)}; with the recorded model comes its recorded vocabulary (an
     * explicit {@code --vocab} wins). Throws {@code missing} as the message when there is no model.
     */
    EvalModel open(Map<String, String> recorded, String missing) {
        Path ckpt = checkpoint(recorded);
        if (ckpt == null) throw new IllegalArgumentException(missing);
        Path v = vocab != null ? vocab : checkpoint == null && recorded != null ? Models.recordedVocab(recorded) : null;
        return open(ckpt, v);
    }

    /** Refuses a model whose vectors are not as long as {@code ix}'s. */
    static void requireSameDim(EvalModel m, Path index, VectorIndex ix) {
        int d = m.model().architecture().embedDim();
        if (d != ix.dim()) throw new IllegalArgumentException(m.checkpoint() + " makes " + d + "-d vectors, " + index + " holds " + ix.dim() + "-d");
    }
}
