package dev.jclip.image;

/**
 * The colour conversions of Pillow 9.4 {@code libImaging/Convert.c} that the CLIP pipeline
 * needs, with their exact integer rounding: {@code convert("RGB")} from every mode, and the
 * premultiply / un-premultiply steps ({@code RGBA <-> RGBa}, {@code LA <-> La}) that
 * {@code Image.resize} wraps around a convolution.
 *
 * <p>{@code convert("RGB")} drops alpha <em>without compositing</em> (the RGB stored under
 * alpha 0 comes through unchanged), looks palette indices up in the palette, replicates grey,
 * clamps mode {@code I} to [0, 255], and maps CMYK with
 * {@code nk = 255 - k; r = nk - c * nk / 255} (rounded as {@code MULDIV255}).
 *
 * <pre>{@code
 * DecodedImage rgb = PillowConvert.toRgb(ImageDecoder.decode(path));
 * }</pre>
 */
public final class PillowConvert {
    private PillowConvert() {
    }

    /** {@code MULDIV255}: a * b / 255 rounded, in Pillow's shift form. */
    static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }

    /**
     * {@code RGBA -> RGBa} ({@code rgbA2rgba}) or {@code LA -> La} ({@code lA2la}): colour
     * multiplied by alpha. The result keeps the mode tag of the input; only the resampler sees it.
     */
    static DecodedImage premultiply(DecodedImage im) {
        requireAlpha(im);
        int b = im.mode().bands();
        byte[] src = im.pixels();
        byte[] out = new byte[src.length];
        for (int p = 0; p < src.length; p += b) {
            int alpha = src[p + b - 1] & 0xFF;
            for (int c = 0; c < b - 1; c++) {
                out[p + c] = (byte) mulDiv255(src[p + c] & 0xFF, alpha);
            }
            out[p + b - 1] = (byte) alpha;
        }
        return im.withPixels(im.width(), im.height(), out, null);
    }

    /**
     * {@code RGBa -> RGBA} ({@code rgba2rgbA}) or {@code La -> LA} ({@code la2lA}): colour
     * divided by alpha with integer truncation, left as is where alpha is 0 or 255.
     */
    static DecodedImage unpremultiply(DecodedImage im) {
        requireAlpha(im);
        int b = im.mode().bands();
        byte[] src = im.pixels();
        byte[] out = new byte[src.length];
        for (int p = 0; p < src.length; p += b) {
            int alpha = src[p + b - 1] & 0xFF;
            for (int c = 0; c < b - 1; c++) {
                int v = src[p + c] & 0xFF;
                out[p + c] = (byte) (alpha == 255 || alpha == 0 ? v : clip8(255 * v / alpha));
            }
            out[p + b - 1] = (byte) alpha;
        }
        return im.withPixels(im.width(), im.height(), out, null);
    }

    private static void requireAlpha(DecodedImage im) {
        if (!im.mode().hasAlpha()) {
            throw new IllegalArgumentException("premultiplication needs mode RGBA or LA, got " + im.mode().pilName());
        }
    }

    /** {@code convert("RGB")}: interleaved RGB bytes, 3 per pixel. */
    public static byte[] toRgbBytes(DecodedImage im) {
        int n = im.width() * im.height();
        byte[] out = new byte[n * 3];
        byte[] src = im.pixels();
        switch (im.mode()) {
            case RGB -> System.arraycopy(src, 0, out, 0, out.length);
            case RGBA -> {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(src, i * 4, out, i * 3, 3); // rgba2rgb: alpha dropped
                }
            }
            case L, LA -> {
                int b = im.mode().bands();
                for (int i = 0; i < n; i++) {
                    byte v = src[i * b];
                    out[i * 3] = v;
                    out[i * 3 + 1] = v;
                    out[i * 3 + 2] = v;
                }
            }
            case ONE -> {
                for (int i = 0; i < n; i++) {
                    byte v = src[i] != 0 ? (byte) 255 : 0;
                    out[i * 3] = v;
                    out[i * 3 + 1] = v;
                    out[i * 3 + 2] = v;
                }
            }
            case P -> {
                byte[] pal = im.palette();
                for (int i = 0; i < n; i++) {
                    System.arraycopy(pal, (src[i] & 0xFF) * 3, out, i * 3, 3);
                }
            }
            case CMYK -> {
                for (int i = 0; i < n; i++) {
                    int nk = 255 - (src[i * 4 + 3] & 0xFF);
                    for (int c = 0; c < 3; c++) {
                        out[i * 3 + c] = (byte) clip8(nk - mulDiv255(src[i * 4 + c] & 0xFF, nk));
                    }
                }
            }
            case I -> {
                int[] v = im.intPixels();
                for (int i = 0; i < n; i++) {
                    byte c = (byte) clip8(v[i]);
                    out[i * 3] = c;
                    out[i * 3 + 1] = c;
                    out[i * 3 + 2] = c;
                }
            }
        }
        return out;
    }

    /** {@code convert("RGB")} as an image. */
    public static DecodedImage toRgb(DecodedImage im) {
        if (im.mode() == ImageMode.RGB) {
            return im;
        }
        return DecodedImage.of8(ImageMode.RGB, im.width(), im.height(), toRgbBytes(im));
    }
}
