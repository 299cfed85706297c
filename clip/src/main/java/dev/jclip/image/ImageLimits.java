package dev.jclip.image;

/**
 * The pixel bound every decode and resize checks before it allocates, so that a small crafted
 * file (a 1 MB PNG declaring 20000x20000 pixels, a 1x100000 strip resized to 224 px) is refused
 * with a message instead of taking gigabytes or overflowing an {@code int}. The default is
 * Pillow's {@code Image.MAX_IMAGE_PIXELS}, 178,956,970 pixels (about 0.5 GB at 3 bytes a pixel);
 * Pillow warns above it and refuses above twice it, jclip refuses above it. Override with
 * {@code -Djclip.maxImagePixels=N}.
 *
 * <pre>{@code
 * java -Djclip.maxImagePixels=400000000 ...   // allow 20000x20000 scans
 * }</pre>
 */
public final class ImageLimits {
    /** Pillow's default {@code Image.MAX_IMAGE_PIXELS}. */
    public static final long PILLOW_MAX_IMAGE_PIXELS = 178_956_970L;
    /** The bound in force. */
    public static final long MAX_PIXELS = Long.getLong("jclip.maxImagePixels", PILLOW_MAX_IMAGE_PIXELS);
    /**
     * Bytes one decode may take (the decoder's raster plus jclip's copy where it cannot adopt the
     * raster): 768 MiB by default, which admits 8-bit RGB and RGBA images up to the pixel limit
     * (held once) and refuses, say, a 16-bit RGBA image of more than 48 M pixels. Override with
     * {@code -Djclip.maxImageBytes=N}.
     */
    public static final long MAX_DECODED_BYTES = Long.getLong("jclip.maxImageBytes", 768L << 20);

    private ImageLimits() {}

    /**
     * Throws {@link IllegalArgumentException} when decoding {@code pixels} at about
     * {@code bytesPerPixel} bytes each would exceed {@link #MAX_DECODED_BYTES}.
     */
    public static void checkDecodedBytes(long width, long height, long bytesPerPixel, String what) {
        long bytes = width * height * bytesPerPixel; // width*height <= MAX_PIXELS was checked: no overflow
        if (bytes > MAX_DECODED_BYTES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s (%dx%d) would take about %,d MiB to decode (%d bytes a pixel), beyond the %,d MiB allowed (-Djclip.maxImageBytes raises it)",
                    what, width, height, bytes >> 20, bytesPerPixel, MAX_DECODED_BYTES >> 20));
        }
    }

    /**
     * Throws {@link IllegalArgumentException} when a {@code width x height} image with
     * {@code bands} samples per pixel exceeds the pixel bound or a Java array; {@code what} says
     * which image ("the image", "resizing to ...").
     */
    public static void check(long width, long height, int bands, String what) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException(what + " has an empty size " + width + "x" + height);
        long pixels = width > Long.MAX_VALUE / height ? Long.MAX_VALUE : width * height;
        if (pixels > MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s is %dx%d = %,d pixels, beyond the limit of %,d pixels (a decompression bomb? -Djclip.maxImagePixels raises it)",
                    what, width, height, pixels, MAX_PIXELS));
        }
        if (pixels > (Integer.MAX_VALUE - 8) / Math.max(1, bands)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s is %dx%d = %,d pixels of %d samples, more than one Java array holds", what, width, height, pixels, bands));
        }
    }
}
