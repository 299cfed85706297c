package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options of every command that loads a model from a required {@code --checkpoint} (with
 * {@code --model}, {@code --dtype}, {@code --vocab}, {@code --device} from {@link ModelOptions}),
 * as one picocli mixin, and the one way they load it.
 *
 * <pre>{@code
 * @Mixin CheckpointOptions ckpt;
 * try (EvalModel m = ckpt.open()) { ... }
 * }</pre>
 */
public final class CheckpointOptions extends ModelOptions {
    @Option(names = "--checkpoint", required = true, paramLabel = "PATH", description = CHECKPOINT + ".")
    Path checkpoint;

    public Path checkpoint() { return checkpoint; }

    /** Loads the checkpoint for inference. */
    public EvalModel open() { return open(checkpoint, vocab); }
}
