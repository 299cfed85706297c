package dev.jclip.io;

import dev.jclip.testing.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared reference fixtures (found through {@link SharedFiles}). */
final class Fixtures {
    private Fixtures() {}

    static Path root() {
        return SharedFiles.fixtures();
    }

    /** Every model folder under {@code models/}. */
    static List<Path> modelDirs() {
        try (Stream<Path> s = Files.list(root().resolve("models"))) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().toList();
            assertTrue(!dirs.isEmpty(), "no model folders under " + root().resolve("models"));
            return dirs;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
