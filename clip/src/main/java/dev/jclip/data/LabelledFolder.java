package dev.jclip.data;

import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code root/<class>/<image>} layout (torchvision's {@code ImageFolder}): each sub-folder is
 * a class, named by the folder (underscores read as spaces, so {@code golden_retriever} becomes
 * the prompt-ready "golden retriever"), classes in sorted folder order, images in sorted file
 * order. Every regular file is listed; files that do not decode fail at {@link #image(int)} and
 * are skipped and reported by the harness.
 *
 * <pre>{@code
 * LabelledFolder pets = LabelledFolder.scan(Path.of("pets"));
 * pets.classes();   // ["cat", "dog"]
 * pets.path(0);     // pets/cat/001.jpg
 * }</pre>
 */
public final class LabelledFolder implements LabelledImages {
    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final ImageDecoder decoder = ImageDecoder.defaults();

    private LabelledFolder(Path root, List<String> classes, List<Path> files, int[] labels) {
        this.root = root;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
    }

    /** Lists {@code root}; fails when it has no class folder or no file at all. */
    public static LabelledFolder scan(Path root) {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("not a folder: " + root);
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        if (classDirs.isEmpty()) throw new IllegalArgumentException(root + " has no class sub-folders (expected root/<class>/<image>)");
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString().replace('_', ' '));
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(p -> {
                    files.add(p);
                    labels.add(label);
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
        if (files.isEmpty()) throw new IllegalArgumentException(root + " has class folders but no image files");
        return new LabelledFolder(root, List.copyOf(classes), List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    public Path root() { return root; }

    public Path path(int i) { return files.get(i); }

    /** All files, in order. */
    public List<Path> paths() { return files; }

    @Override public List<String> classes() { return classes; }

    @Override public int size() { return files.size(); }

    @Override public int label(int i) { return labels[i]; }

    @Override public String name(int i) { return files.get(i).toString(); }

    @Override public DecodedImage image(int i) { return decoder.decode(files.get(i)); }
}
