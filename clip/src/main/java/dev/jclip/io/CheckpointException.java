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
        super(oneLine(file + ": " + message));
        this.file = file;
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(oneLine(file + ": " + message), cause);
        this.file = file;
    }

    /**
     * The message as one printable line: names from a crafted file (entry names, tensor names,
     * pickle strings) may hold newlines or control characters, shown escaped ({@code \n}, {@code \x1b}).
     */
    static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
            if (control && b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (b == null) continue;
            if (!control) b.append(c);
            else if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else b.append(String.format("\\x%02x", (int) c));
        }
        return b == null ? s : b.toString();
    }

    /** The file that failed. */
    public Path file() { return file; }
}
