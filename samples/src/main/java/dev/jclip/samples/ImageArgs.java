package dev.jclip.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands command-line image arguments: a file is taken as given (a bad one is reported later),
 * a folder contributes its image files (by extension, recursively, sorted).
 */
final class ImageArgs {
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private ImageArgs() {}

    static List<Path> expand(List<Path> args) {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (!Files.isDirectory(p)) { out.add(p); continue; }
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(Files::isRegularFile).filter(ImageArgs::hasImageExtension).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + p, e);
            }
        }
        return out;
    }

    static boolean hasImageExtension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && !n.startsWith(".") && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
