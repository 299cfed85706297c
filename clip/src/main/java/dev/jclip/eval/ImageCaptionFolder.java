package dev.jclip.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A folder of image-caption pairs for retrieval: {@code x.jpg} with its captions in {@code x.txt}
 * (one caption per non-blank line, so COCO-style 5-caption images work). Images without a caption
 * file are ignored; a caption file without an image is ignored too; both are counted for the report.
 *
 * <pre>{@code
 * ImageCaptionFolder pairs = ImageCaptionFolder.scan(Path.of("flickr-sample"));
 * pairs.images();       // [a.jpg, b.png, ...]
 * pairs.captions();     // every caption, in image order
 * pairs.imageOfCaption(); // caption index -> image index
 * }</pre>
 */
public final class ImageCaptionFolder {
    private static final Set<String> IMAGE_EXT = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private final List<Path> images;
    private final List<String> captions;
    private final int[] imageOfCaption;
    private final int unpaired;

    private ImageCaptionFolder(List<Path> images, List<String> captions, int[] imageOfCaption, int unpaired) {
        this.images = images;
        this.captions = captions;
        this.imageOfCaption = imageOfCaption;
        this.unpaired = unpaired;
    }

    /** Pairs the images of {@code dir} (not recursive) with their {@code .txt} captions. */
    public static ImageCaptionFolder scan(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder: " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        List<Path> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Integer> link = new ArrayList<>();
        int unpaired = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            int dot = name.lastIndexOf('.');
            if (dot < 0) continue;
            String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
            if (!IMAGE_EXT.contains(ext)) {
                if (ext.equals("txt") && files.stream().noneMatch(o -> isImageWithStem(o, name.substring(0, dot)))) unpaired++;
                continue;
            }
            Path txt = f.resolveSibling(name.substring(0, dot) + ".txt");
            if (!Files.isRegularFile(txt)) { unpaired++; continue; }
            List<String> lines;
            try {
                lines = Files.readAllLines(txt, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read captions " + txt, e);
            }
            if (lines.isEmpty()) { unpaired++; continue; }
            int idx = images.size();
            images.add(f);
            for (String c : lines) { captions.add(c); link.add(idx); }
        }
        if (images.isEmpty()) throw new IllegalArgumentException(dir + " holds no image with a caption file (x.jpg + x.txt)");
        return new ImageCaptionFolder(List.copyOf(images), List.copyOf(captions), link.stream().mapToInt(Integer::intValue).toArray(), unpaired);
    }

    private static boolean isImageWithStem(Path p, String stem) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && n.substring(0, dot).equals(stem) && IMAGE_EXT.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    public List<Path> images() { return images; }

    public List<String> captions() { return captions; }

    /** For each caption, the index of its image in {@link #images()}. */
    public int[] imageOfCaption() { return imageOfCaption.clone(); }

    /** Images without captions plus caption files without images. */
    public int unpaired() { return unpaired; }
}
