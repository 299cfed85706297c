package dev.jclip.samples;

import dev.jclip.image.ImageFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands command-line image arguments: a file is taken as given (a bad one is reported later),
 * a folder contributes its image files ({@link ImageFiles}, recursively, sorted).
 */
final class ImageArgs {
    private ImageArgs() {}

    static List<Path> expand(List<Path> args) {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (!Files.isDirectory(p)) { out.add(p); continue; }
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + p, e);
            }
        }
        return out;
    }
}
