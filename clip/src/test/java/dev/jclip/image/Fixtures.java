package dev.jclip.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared reference fixtures are (system property {@code jclip.fixtures}). */
final class Fixtures {
    private Fixtures() {
    }

    static Path preprocessDir() {
        String p = System.getProperty("jclip.fixtures", "../shared/fixtures");
        Path dir = Path.of(p).resolve("preprocess");
        if (!Files.isDirectory(dir)) {
            // running from the module directory: the default is relative to the repository root
            Path alt = Path.of("..", "..", "shared", "fixtures", "preprocess");
            if (Files.isDirectory(alt)) {
                return alt;
            }
        }
        return dir;
    }

    /**
     * A fixture file, following a symbolic link stored as a small text file holding the relative
     * target (what a copy without symlink support leaves of {@code CLIP.png -> ../../data/CLIP.png}).
     */
    static Path image(Path dir, String name) throws java.io.IOException {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p) && Files.size(p) < 256) {
            String target = Files.readString(p).trim();
            Path resolved = p.resolveSibling(target).normalize();
            if (!target.isEmpty() && !target.contains("\n") && Files.isRegularFile(resolved)) {
                return resolved;
            }
        }
        return p;
    }
}
