package dev.jclip.image;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The one rule for "is this file an image?" wherever jclip lists files (caption folders,
 * WebDataset shards, image arguments): the extension, case-insensitive, is one the decoder
 * reads ({@link ImageDecoder}: JPEG, PNG, GIF, BMP, WebP, TIFF). Hidden files ({@code .name},
 * e.g. macOS {@code ._photo.jpg} resource forks) are never images.
 *
 * <pre>{@code
 * ImageFiles.isImage(Path.of("cat.JPG"));     // true
 * ImageFiles.isImage(Path.of("._cat.jpg"));   // false: hidden
 * ImageFiles.isImageExtension("tiff");        // true
 * }</pre>
 */
public final class ImageFiles {
    /** Lower-case extensions, without the dot. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");

    private ImageFiles() {}

    /** Whether {@code extension} (without the dot, any case) names an image format. */
    public static boolean isImageExtension(String extension) {
        return EXTENSIONS.contains(extension.toLowerCase(Locale.ROOT));
    }

    /** Whether the file name is a visible {@code stem.ext} with an image extension (the file is not opened). */
    public static boolean isImage(Path file) {
        Path name = file.getFileName();
        if (name == null) return false;
        String n = name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && !n.startsWith(".") && isImageExtension(n.substring(dot + 1));
    }
}
