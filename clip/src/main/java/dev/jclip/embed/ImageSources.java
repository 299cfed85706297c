package dev.jclip.embed;

import dev.jclip.image.ImageFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where bulk embedding takes its images from, streamed so memory does not grow with the number of
 * images: folders (recursively; image files by extension, each folder in name order), files as
 * given, glob patterns ({@code photos/**}{@code /*.jpg}, expanded here so a shell's argument limit
 * does not apply), WebDataset tar shards ({@code .tar}, brace ranges {@code data-{000..009}.tar};
 * every image member is one item, keyed {@code shard.tar/member.jpg}), and list files (one path
 * per line; blank lines and {@code #} comments skipped, relative paths resolved against the
 * list's folder).
 *
 * <pre>{@code
 * ImageSources src = ImageSources.of(List.of("photos/", "more/*.png", "shards/{000..003}.tar"), Path.of("extra.txt"));
 * src.forEach(item -> System.out.println(item.key()));
 * }</pre>
 */
public final class ImageSources {
    /** One image: its key (path, or shard/member) and its content. */
    public record Item(String key, ImageInput input) {}

    private final List<String> args;
    private final Path listFile;

    private ImageSources(List<String> args, Path listFile) {
        this.args = List.copyOf(args);
        this.listFile = listFile;
    }

    /** {@code args}: folders, files, globs, tar shards; {@code listFile}: a file of paths, or null. */
    public static ImageSources of(List<String> args, Path listFile) {
        if (args.isEmpty() && listFile == null) throw new IllegalArgumentException("no images given (folders, files, globs, shards or --list FILE)");
        if (listFile != null && !Files.isRegularFile(listFile)) throw new IllegalArgumentException("--list " + listFile + ": no such file");
        for (String a : args) {
            if (!isGlob(a) && !a.matches(".*\\{\\d+\\.\\.\\d+}.*") && !Files.exists(Path.of(a))) {
                throw new IllegalArgumentException(a + ": no such file or folder");
            }
        }
        return new ImageSources(args, listFile);
    }

    /** Every path this source reads from (folders, files, shards, the list), to refuse outputs among them. */
    public List<Path> roots() {
        List<Path> out = new ArrayList<>();
        for (String a : args) out.add(isGlob(a) ? globBase(a) : Path.of(a));
        if (listFile != null) out.add(listFile);
        return out;
    }

    /** Streams every item in order to {@code sink} (on the calling thread). */
    public void forEach(Consumer<Item> sink) {
        for (String a : args) {
            if (isGlob(a)) {
                glob(a, sink);
            } else {
                for (Path p : dev.jclip.data.WebDataset.expand(a)) path(p, sink);
            }
        }
        if (listFile != null) list(sink);
    }

    /**
     * Number of items, for rate and ETA (walks the folders and reads the list once more); -1 when
     * the inputs include tar shards, which would have to be read through to be counted.
     */
    public long count() {
        long[] n = {0};
        countOnly = true;
        try {
            forEach(i -> n[0]++);
        } catch (CountUnknown e) {
            return -1;
        } finally {
            countOnly = false;
        }
        return n[0];
    }

    private static final class CountUnknown extends RuntimeException {
        CountUnknown() { super(null, null, false, false); }
    }

    private boolean countOnly;

    /** The project's one extension rule ({@link ImageFiles}). */
    private static boolean hasImageExtension(Path p) {
        return ImageFiles.isImage(p);
    }

    private static boolean isTar(Path p) {
        return p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar");
    }

    private void path(Path p, Consumer<Item> sink) {
        if (Files.isDirectory(p)) walk(p, null, sink);
        else if (isTar(p)) tar(p, sink);
        else sink.accept(new Item(p.toString(), ImageInput.of(p)));   // a bad file is reported when decoded
    }

    private static boolean isGlob(String a) {
        return a.indexOf('*') >= 0 || a.indexOf('?') >= 0 || a.indexOf('[') >= 0;
    }

    /** The folder part of the pattern before its first glob character. */
    private static Path globBase(String pattern) {
        int sep = pattern.lastIndexOf('/', firstGlob(pattern));
        if (sep < 0) return Path.of(".");
        return Path.of(sep == 0 ? "/" : pattern.substring(0, sep));
    }

    private static int firstGlob(String a) {
        int i = a.length();
        for (char c : new char[]{'*', '?', '['}) { int k = a.indexOf(c); if (k >= 0) i = Math.min(i, k); }
        return i;
    }

    private void glob(String pattern, Consumer<Item> sink) {
        Path base = globBase(pattern);
        boolean relative = !pattern.startsWith("/") && base.toString().equals(".") && !pattern.startsWith("./");
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        if (!Files.isDirectory(base)) return;
        walk(base, p -> m.matches(relative ? base.relativize(p) : p), sink);
    }

    /** Depth-first, each folder's entries in name order: deterministic and streamed. */
    private void walk(Path dir, java.util.function.Predicate<Path> filter, Consumer<Item> sink) {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path p : entries) {
            if (Files.isDirectory(p)) {
                if (!p.getFileName().toString().startsWith(".")) walk(p, filter, sink);
            } else if (filter == null ? hasImageExtension(p) : filter.test(p) && (hasImageExtension(p) || isTar(p))) {
                if (isTar(p)) tar(p, sink);
                else sink.accept(new Item(p.toString(), ImageInput.of(p)));
            }
        }
    }

    private void list(Consumer<Item> sink) {
        Path base = listFile.toAbsolutePath().getParent();
        try (Stream<String> lines = Files.lines(listFile, StandardCharsets.UTF_8)) {
            lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
                Path p = Path.of(l);
                if (!p.isAbsolute()) p = base.resolve(p).normalize();
                if (isTar(p) && Files.isRegularFile(p)) tar(p, sink);
                else sink.accept(new Item(p.toString(), ImageInput.of(p)));
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("--list " + listFile + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Image members of a WebDataset shard; a shard that cannot be read ends with an error naming it. */
    private void tar(Path shard, Consumer<Item> sink) {
        if (countOnly) throw new CountUnknown();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) continue;
                Path name = Path.of(e.getName());
                if (!hasImageExtension(name)) continue;
                String key = shard + "/" + e.getName();
                if (e.getSize() > Integer.MAX_VALUE - 16) throw new IOException("member " + e.getName() + " is " + e.getSize() + " bytes");
                sink.accept(new Item(key, ImageInput.of(tar.readAllBytes(), key)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + shard + ": " + e.getMessage(), e);
        }
    }
}
