package dev.jclip.io;

import dev.jclip.torch.TorchException;

import java.nio.file.Path;

/**
 * A checkpoint that cannot be read or written: a truncated or corrupt file, a missing entry, a
 * pickle global outside the allow-list, a tensor that does not fit its storage. The message
 * always names the file and, where there is one, the entry or tensor.
 *
 * <pre>{@code
 * try (StateDict sd = Checkpoints.load(path)) { ... }
 * catch (CheckpointException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public class CheckpointException extends TorchException {
    private final transient Path file;

    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file that failed. */
    public Path file() { return file; }
}
