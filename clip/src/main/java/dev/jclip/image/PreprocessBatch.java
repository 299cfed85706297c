package dev.jclip.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Runs {@link ClipPreprocess} over many files, skipping the ones that cannot be decoded: each
 * bad file is recorded with its reason and the run goes on with the rest.
 *
 * <pre>{@code
 * PreprocessBatch.Result r = PreprocessBatch.run(new ClipPreprocess(224), files,
 *         (file, chw) -> tensors.put(file.getFileName().toString(), chw));
 * r.failures().forEach(f -> System.err.println("skipped " + f.file() + ": " + f.reason()));
 * }</pre>
 */
public final class PreprocessBatch {
    /** Receives each successfully transformed image ({@code 3 * n_px * n_px} floats, CHW). */
    @FunctionalInterface
    public interface Sink {
        void accept(Path file, float[] chw);
    }

    /** A file that was skipped, with the reason (the decoder's message). */
    public record Failure(Path file, String reason) {
    }

    /** How many files succeeded and which failed, in input order. */
    public record Result(int succeeded, List<Failure> failures) {
        public Result {
            failures = Collections.unmodifiableList(new ArrayList<>(failures));
        }

        public boolean allSucceeded() {
            return failures.isEmpty();
        }
    }

    private PreprocessBatch() {
    }

    /**
     * Transforms every file in order. Files that fail to decode (missing, unreadable, truncated,
     * not an image) are skipped and listed in the result; exceptions thrown by {@code sink}
     * propagate, because they are the caller's own errors, not bad input.
     */
    public static Result run(ClipPreprocess preprocess, List<Path> files, Sink sink) {
        Objects.requireNonNull(sink, "sink");
        int ok = 0;
        List<Failure> failures = new ArrayList<>();
        for (Path file : files) {
            float[] chw;
            try {
                chw = preprocess.preprocess(file);
            } catch (ImageDecodeException e) {
                failures.add(new Failure(file, e.reason()));
                continue;
            }
            sink.accept(file, chw);
            ok++;
        }
        return new Result(ok, failures);
    }
}
