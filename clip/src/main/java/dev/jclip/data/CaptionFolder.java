package dev.jclip.data;

import dev.jclip.image.ImageFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The on-disk caption-folder format, read the one way every caller (training's
 * {@link CaptionedFiles}, {@code clip eval --captions} retrieval) uses: a folder tree where each
 * image {@code x.jpg} ({@link ImageFiles}) has its captions in {@code x.txt} next to it, one
 * caption per non-blank line (COCO-style 5-caption images work), lines stripped. Files are
 * visited in sorted path order. An image without a caption file (or with an empty one) and a
 * caption file without an image are left out and counted in {@link #unpaired()}.
 *
 * <pre>{@code
 * CaptionFolder pairs = CaptionFolder.scan(Path.of("flickr-sample"));
 * pairs.images();          // [a.jpg, b.png, ...]
 * pairs.captions();        // every caption, in image order
 * pairs.imageOfCaption();  // caption index -> image index
 * }</pre>
 */
public final class CaptionFolder {
    private final List<Path> images;
    private final List<String> captions;
    private final int[] imageOfCaption;
    private final int unpaired;

    private CaptionFolder(List<Path> images, List<String> captions, int[] imageOfCaption, int unpaired) {
        this.images = images;
        this.captions = captions;
        this.imageOfCaption = imageOfCaption;
        this.unpaired = unpaired;
    }

    /** Pairs the images under {@code dir} (recursively) with their {@code .txt} captions. */
    public static CaptionFolder scan(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder: " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        Set<Path> imageStems = new HashSet<>();
        for (Path f : files) if (ImageFiles.isImage(f)) imageStems.add(stem(f));
        List<Path> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Integer> link = new ArrayList<>();
        int unpaired = 0;
        for (Path f : files) {
            if (!ImageFiles.isImage(f)) {
                if (f.getFileName().toString().endsWith(".txt") && !imageStems.contains(stem(f))) unpaired++;
                continue;
            }
            Path txt = stem(f).resolveSibling(stem(f).getFileName() + ".txt");
            if (!Files.isRegularFile(txt)) { unpaired++; continue; }
            List<String> lines;
            try {
                lines = Files.readAllLines(txt, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read captions " + txt + ": " + e.getMessage(), e);
            }
            if (lines.isEmpty()) { unpaired++; continue; }
            int idx = images.size();
            images.add(f);
            for (String c : lines) { captions.add(c); link.add(idx); }
        }
        if (images.isEmpty()) throw new IllegalArgumentException(dir + " holds no image with a caption file (x.jpg + x.txt)");
        return new CaptionFolder(List.copyOf(images), List.copyOf(captions), link.stream().mapToInt(Integer::intValue).toArray(), unpaired);
    }

    /** The path without its extension ({@code dir/x.jpg} -> {@code dir/x}). */
    private static Path stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? f.resolveSibling(n.substring(0, dot)) : f;
    }

    /** The images that have captions, in path order. */
    public List<Path> images() { return images; }

    /** Every caption, grouped by image in {@link #images()} order. */
    public List<String> captions() { return captions; }

    /** For each caption, the index of its image in {@link #images()}. */
    public int[] imageOfCaption() { return imageOfCaption.clone(); }

    /** Images without captions plus caption files without images. */
    public int unpaired() { return unpaired; }
}
