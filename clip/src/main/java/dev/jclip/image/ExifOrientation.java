package dev.jclip.image;

/**
 * Applies an EXIF orientation tag (1..8) to a decoded image, as Pillow's
 * {@code ImageOps.exif_transpose}: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 270
 * (clockwise 90), 7 transverse, 8 rotate 90 (counter-clockwise). A pure pixel permutation, so it
 * is exact in every mode.
 *
 * <pre>{@code
 * DecodedImage upright = ExifOrientation.apply(img, 6);   // phone photo taken in portrait
 * }</pre>
 */
public final class ExifOrientation {
    private ExifOrientation() {
    }

    /** The image turned upright; orientation 1 or an unknown value returns it unchanged. */
    public static DecodedImage apply(DecodedImage im, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return im;
        }
        int w = im.width();
        int h = im.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int b = im.mode().bands();
        byte[] src = im.pixels();
        int[] srcI = im.intPixels();
        byte[] out = src == null ? null : new byte[src.length];
        int[] outI = srcI == null ? null : new int[srcI.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }          // FLIP_LEFT_RIGHT
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }  // ROTATE_180
                    case 4 -> { sx = x; sy = h - 1 - y; }          // FLIP_TOP_BOTTOM
                    case 5 -> { sx = y; sy = x; }                  // TRANSPOSE
                    case 6 -> { sx = y; sy = h - 1 - x; }          // ROTATE_270 (clockwise)
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }  // TRANSVERSE
                    default -> { sx = w - 1 - y; sy = x; }         // 8: ROTATE_90 (counter-clockwise)
                }
                int from = sy * w + sx;
                int to = y * ow + x;
                if (out != null) {
                    System.arraycopy(src, from * b, out, to * b, b);
                } else {
                    outI[to] = srcI[from];
                }
            }
        }
        return im.withPixels(ow, oh, out, outI);
    }
}
