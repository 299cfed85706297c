package dev.jclip.image;

import dev.jclip.testing.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** The preprocessing fixtures (found through {@link SharedFiles}). */
final class Fixtures {
    private Fixtures() {
    }

    static Path preprocessDir() {
        return SharedFiles.fixture("preprocess");
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
