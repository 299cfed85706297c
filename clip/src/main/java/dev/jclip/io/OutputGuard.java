package dev.jclip.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Refuses an output path that is one of the command's inputs, before anything is read or written:
 * {@code clip embed --out model.safetensors --checkpoint model.safetensors} would otherwise replace
 * the model with a features file. "The same" is decided by the file system
 * ({@link Files#isSameFile}), so a symbolic link, a hard link or a different spelling
 * ({@code ./a/../model.pt}) of an input is refused too. Every command that writes a file calls it.
 *
 * <pre>{@code
 * OutputGuard.refuseInputs(out, "--out", "--checkpoint", List.of(checkpoint));
 * OutputGuard.refuseInputs(out, "--out", "IMAGES", images);
 * }</pre>
 */
public final class OutputGuard {
    private OutputGuard() {}

    /**
     * Throws {@link IllegalArgumentException} ("--out X is the input --checkpoint Y ...") when
     * {@code out} is the same file as any of {@code inputs} (null entries are ignored).
     */
    public static void refuseInputs(Path out, String outOption, String inputOption, Collection<Path> inputs) {
        if (out == null || inputs == null) return;
        if (!Files.exists(out)) return; // a new file cannot be an existing input (a dangling link is not one either)
        for (Path in : inputs) {
            if (in == null || !Files.exists(in)) continue;
            boolean same;
            try {
                same = Files.isSameFile(out, in);
            } catch (IOException e) {
                continue; // unreadable input: its own read reports it
            }
            if (same) {
                String how = out.equals(in) ? "" : Files.isSymbolicLink(out) || Files.isSymbolicLink(in)
                        ? " (through a link)" : !out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())
                        ? " (the same file by another name)" : "";
                throw new IllegalArgumentException(outOption + " " + out + " is the input " + inputOption + " " + in + how
                        + ": refusing to overwrite an input; choose another output path");
            }
        }
    }

    /** {@link #refuseInputs(Path, String, String, Collection)} for one input. */
    public static void refuseInput(Path out, String outOption, String inputOption, Path input) {
        refuseInputs(out, outOption, inputOption, input == null ? null : java.util.Collections.singletonList(input));
    }
}
