package dev.jclip.samples;

import dev.jclip.io.OutputGuard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The check a command that writes a folder ({@code clip index --out}, {@code clip eval --out})
 * makes before it loads anything: the folder must not be one of its inputs (also through a link or
 * another spelling: {@link OutputGuard}), must not hold one (when the command names the files it
 * writes, {@link #writes}, only those may not be or hold one), and must not lie inside an input
 * folder that a command reads whole (a data set), so the user's files are never overwritten or
 * mixed with outputs.
 *
 * <pre>{@code
 * new OutputFolder(out, "--out").input("--checkpoint", ckpt).folder("--folder", root)
 *         .writes("report.json", "similarity.png").refuse();
 * }</pre>
 */
final class OutputFolder {
    private record Input(String option, Path path, boolean mustNotHold) {}

    private final Path out;
    private final String outOption;
    private final List<Input> inputs = new ArrayList<>();
    private List<String> writes;            // null: the command owns the whole folder

    OutputFolder(Path out, String outOption) {
        this.out = out;
        this.outOption = outOption;
    }

    /** Input files or folders (nulls ignored): the output may be beside them, never one or above one. */
    OutputFolder input(String option, Path... paths) {
        for (Path p : paths) if (p != null) inputs.add(new Input(option, p, false));
        return this;
    }

    /** {@link #input(String, Path...)} for a list. */
    OutputFolder inputs(String option, Collection<Path> paths) {
        return input(option, paths.toArray(Path[]::new));
    }

    /** Input folders the output must not be put inside either (data sets, model folders). */
    OutputFolder folder(String option, Path... paths) {
        for (Path p : paths) if (p != null) inputs.add(new Input(option, p, true));
        return this;
    }

    /** The only files the command writes in the folder (so inputs elsewhere in it are safe). */
    OutputFolder writes(String... names) {
        writes = List.of(names);
        return this;
    }

    /** Throws a one-line {@link IllegalArgumentException} naming both options if the output is unsafe. */
    void refuse() {
        for (Input in : inputs) OutputGuard.refuseInput(out, outOption, in.option, in.path);
        Path o = canonical(out);
        List<Path> written = writes == null ? List.of(o) : writes.stream().map(o::resolve).toList();
        for (Input in : inputs) {
            Path i = canonical(in.path);
            for (Path w : written) {
                if (i.startsWith(w)) {
                    throw new IllegalArgumentException(outOption + " " + out + (w.equals(o) ? " holds the input " : " would overwrite the input ")
                            + in.option + " " + in.path + ": refusing to overwrite an input; choose another output folder");
                }
            }
            if (in.mustNotHold && o.startsWith(i)) {
                throw new IllegalArgumentException(outOption + " " + out + " is inside the input " + in.option + " " + in.path
                        + ": refusing to write into an input folder; choose another output folder");
            }
        }
    }

    /** The real path of the longest existing prefix, with the rest appended (so links are followed). */
    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path head = abs;
        Path tail = null;
        while (head != null && !Files.exists(head)) {
            tail = tail == null ? head.getFileName() : head.getFileName().resolve(tail);
            head = head.getParent();
        }
        if (head == null) return abs;
        try {
            Path real = head.toRealPath();
            return tail == null ? real : real.resolve(tail);
        } catch (IOException e) {
            return abs;
        }
    }
}
