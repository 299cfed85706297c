package dev.jclip.image;

import java.util.Objects;

/**
 * A decoded image in Pillow's in-memory layout: a {@link ImageMode mode}, a size and interleaved
 * 8-bit samples (or 32-bit ints for mode {@code I}), plus the 256-entry RGB palette of mode
 * {@code P}.
 *
 * <p>Arrays are shared, not copied: an instance owns the arrays passed to it and callers must
 * not change them afterwards (the resize and crop code returns new instances).
 *
 * <pre>{@code
 * DecodedImage gray = DecodedImage.of8(ImageMode.L, 2, 1, new byte[] {0, (byte) 255});
 * DecodedImage rgb = PillowConvert.toRgb(gray);   // 2x1 RGB: black, white
 * }</pre>
 */
public final class DecodedImage {
    /** Palette entries Pillow keeps for every P image. */
    public static final int PALETTE_ENTRIES = 256;

    private final ImageMode mode;
    private final int width;
    private final int height;
    private final byte[] pixels;
    private final int[] intPixels;
    private final byte[] palette;

    private DecodedImage(ImageMode mode, int width, int height, byte[] pixels, int[] intPixels,
                         byte[] palette) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long expected = (long) width * height * mode.bands();
        if (mode == ImageMode.I) {
            if (intPixels == null || intPixels.length != expected) {
                throw new IllegalArgumentException("mode I " + width + "x" + height + " needs " + expected
                        + " ints, got " + (intPixels == null ? "none" : intPixels.length));
            }
        } else if (pixels == null || pixels.length != expected) {
            throw new IllegalArgumentException("mode " + mode.pilName() + " " + width + "x" + height
                    + " needs " + expected + " bytes, got " + (pixels == null ? "none" : pixels.length));
        }
        if (mode == ImageMode.P && (palette == null || palette.length != 3 * PALETTE_ENTRIES)) {
            throw new IllegalArgumentException("mode P needs a " + 3 * PALETTE_ENTRIES + "-byte RGB palette, got "
                    + (palette == null ? "none" : palette.length));
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
        this.intPixels = intPixels;
        this.palette = mode == ImageMode.P ? palette : null;
    }

    /** An 8-bit image of any mode except {@code P} and {@code I}. */
    public static DecodedImage of8(ImageMode mode, int width, int height, byte[] pixels) {
        if (mode == ImageMode.P || mode == ImageMode.I) {
            throw new IllegalArgumentException("use ofPalette/ofInt for mode " + mode.pilName());
        }
        return new DecodedImage(mode, width, height, pixels, null, null);
    }

    /** A palette image: one index per pixel and a 768-byte RGB palette (256 entries). */
    public static DecodedImage ofPalette(int width, int height, byte[] indices, byte[] palette) {
        return new DecodedImage(ImageMode.P, width, height, indices, null, palette);
    }

    /** A 32-bit integer grey image (Pillow mode {@code I}). */
    public static DecodedImage ofInt(int width, int height, int[] values) {
        return new DecodedImage(ImageMode.I, width, height, null, values, null);
    }

    /** Same mode (and palette) as this image, other pixels and size. */
    DecodedImage withPixels(int newWidth, int newHeight, byte[] newPixels, int[] newInts) {
        return new DecodedImage(mode, newWidth, newHeight, newPixels, newInts, palette);
    }

    public ImageMode mode() {
        return mode;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Interleaved 8-bit samples, {@code mode.bands()} per pixel, row-major; null for mode I. */
    public byte[] pixels() {
        return pixels;
    }

    /** Mode I values, row-major; null for other modes. */
    public int[] intPixels() {
        return intPixels;
    }

    /** RGB palette (768 bytes) for mode P; null otherwise. */
    public byte[] palette() {
        return palette;
    }

    /**
     * The sub-image {@code [left, left+w) x [top, top+h)}, as Pillow's {@code crop} (which the
     * reference's center crop uses). The box must lie inside the image.
     */
    public DecodedImage crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || w <= 0 || h <= 0 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("crop box (" + left + "," + top + ") " + w + "x" + h
                    + " is outside the " + width + "x" + height + " image");
        }
        int b = mode.bands();
        if (mode == ImageMode.I) {
            int[] out = new int[w * h];
            for (int y = 0; y < h; y++) {
                System.arraycopy(intPixels, (top + y) * width + left, out, y * w, w);
            }
            return withPixels(w, h, null, out);
        }
        byte[] out = new byte[w * h * b];
        for (int y = 0; y < h; y++) {
            System.arraycopy(pixels, ((top + y) * width + left) * b, out, y * w * b, w * b);
        }
        return withPixels(w, h, out, null);
    }

    @Override
    public String toString() {
        return "DecodedImage[mode=" + mode.pilName() + ", size=" + width + "x" + height + "]";
    }
}
