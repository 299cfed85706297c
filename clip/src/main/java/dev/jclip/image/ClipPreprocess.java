package dev.jclip.image;

import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * The CLIP image transform ({@code clip.clip._transform(n_px)}) with the reference's exact
 * semantics, on the CPU in plain Java:
 * <ol>
 *   <li>{@code Resize(n_px, BICUBIC)}: shorter side to {@code n_px}, longer side
 *       {@code int(n_px * long / short)}; skipped when the size is already right; done in the
 *       image's own mode by {@link PillowResample} (palette/bilevel nearest, RGBA/LA
 *       premultiplied);</li>
 *   <li>{@code CenterCrop(n_px)} with offsets {@code int(round((size - n_px) / 2))}, Python's
 *       round half to even;</li>
 *   <li>{@code convert("RGB")} ({@link PillowConvert}: alpha dropped, not composited);</li>
 *   <li>{@code ToTensor()}: {@code uint8 / 255} in float32, CHW;</li>
 *   <li>{@code Normalize(MEAN, STD)}: {@code (x - mean) / std} in float32.</li>
 * </ol>
 * The output of one image is {@code 3 * n_px * n_px} floats in CHW order, bit-exact with the
 * reference on the fixture set (see {@code docs/image.md}).
 *
 * <pre>{@code
 * ClipPreprocess pre = new ClipPreprocess(224);
 * float[] chw = pre.preprocess(Path.of("cat.jpg"));          // [3, 224, 224] flattened
 * float[] batch = new float[n * pre.floatsPerImage()];
 * for (int i = 0; i < n; i++) pre.preprocessInto(images[i], batch, i * pre.floatsPerImage());
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ClipPreprocess {
    /** CLIP's per-channel mean (R, G, B), as float32 like the reference's tensor. */
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** CLIP's per-channel standard deviation (R, G, B), as float32. */
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int nPx;
    /** Side of the content inside the output; smaller than {@code nPx} when padded (see {@link #padded}). */
    private final int inner;
    private final ImageDecoder decoder;
    private final float[] mean, std;
    /** float32 result of {@code ((v / 255f) - mean) / std} for each uint8 v and channel. */
    private final float[][] lut = new float[3][256];

    /** A transform to {@code nPx x nPx} with the default decoder (EXIF orientation applied). */
    public ClipPreprocess(int nPx) {
        this(nPx, ImageDecoder.defaults());
    }

    /** A transform to {@code nPx x nPx} reading files with {@code decoder}. */
    public ClipPreprocess(int nPx, ImageDecoder decoder) {
        this(nPx, nPx, decoder);
    }

    private ClipPreprocess(int nPx, int inner, ImageDecoder decoder) {
        this(nPx, inner, decoder, MEAN, STD);
    }

    /**
     * CLIP's steps with another normalisation ({@code mean}, {@code std} per R, G, B), as a
     * checkpoint's {@code preprocessor_config.json} or open_clip {@code preprocess_cfg} may give;
     * {@code inner < nPx} pads as {@link #padded} does.
     */
    public ClipPreprocess(int nPx, int inner, ImageDecoder decoder, float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        for (float x : std) if (!(x > 0)) throw new IllegalArgumentException("std must be positive, got " + java.util.Arrays.toString(std));
        this.mean = mean.clone();
        this.std = std.clone();
        if (nPx <= 0) {
            throw new IllegalArgumentException("n_px must be positive, got " + nPx);
        }
        if (inner <= 0 || inner > nPx) {
            throw new IllegalArgumentException("padded content size must be in [1, " + nPx + "], got " + inner);
        }
        // 3 * n_px * n_px floats per image must fit an array (and the pixel bound): checked, not overflowed.
        ImageLimits.check(nPx, nPx, 3, "an output of n_px " + nPx);
        this.nPx = nPx;
        this.inner = inner;
        this.decoder = decoder;
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                // same float32 operations, in the same order, as ToTensor + Normalize
                lut[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
    }

    /**
     * The same steps at {@code inner} pixels, then the result centred on a black square of
     * {@code n_px} (pixel value 0 before normalisation; offset {@code (n_px - inner) / 2}). This is
     * how 28 px Fashion-MNIST images enter a 32 px model without resampling.
     */
    public static ClipPreprocess padded(int nPx, int inner) {
        return new ClipPreprocess(nPx, inner, ImageDecoder.defaults());
    }

    /** The per-channel mean (R, G, B) subtracted after scaling to [0, 1]. */
    public float[] mean() { return mean.clone(); }

    /** The per-channel standard deviation divided by. */
    public float[] std() { return std.clone(); }

    /** Side of the content before padding ({@code n_px} when not padded). */
    public int innerSize() {
        return inner;
    }

    /** Output side length {@code n_px}. */
    public int size() {
        return nPx;
    }

    /** Floats per image: {@code 3 * n_px * n_px}. */
    public int floatsPerImage() {
        return 3 * nPx * nPx;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Decodes and transforms one file; throws {@link ImageDecodeException} for a bad file. */
    public float[] preprocess(Path file) {
        DecodedImage image = decoder.decode(file);
        try {
            return preprocess(image);
        } catch (IllegalArgumentException tooLarge) {
            throw new ImageDecodeException(file.toString(), tooLarge.getMessage(), tooLarge);
        }
    }

    /** Transforms one decoded image to {@code 3 * n_px * n_px} floats, CHW. */
    public float[] preprocess(DecodedImage image) {
        float[] out = new float[floatsPerImage()];
        preprocessInto(image, out, 0);
        return out;
    }

    /** Writes the CHW floats of {@code image} to {@code dst[offset ..]}. */
    public void preprocessInto(DecodedImage image, float[] dst, int offset) {
        if (offset < 0 || offset > dst.length - floatsPerImage()) {
            throw new IndexOutOfBoundsException("need " + floatsPerImage() + " floats at offset " + offset
                    + ", destination holds " + dst.length);
        }
        byte[] rgb = resizedCroppedRgb(image);
        int plane = nPx * nPx;
        for (int c = 0; c < 3; c++) {
            float[] t = lut[c];
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                dst[base + i] = t[rgb[i * 3 + c] & 0xFF];
            }
        }
    }

    /** Writes the CHW floats of {@code image} at {@code dst}'s position and advances it. */
    public void preprocessInto(DecodedImage image, FloatBuffer dst) {
        if (dst.remaining() < floatsPerImage()) {
            throw new IndexOutOfBoundsException("need " + floatsPerImage() + " floats, buffer has "
                    + dst.remaining() + " remaining");
        }
        byte[] rgb = resizedCroppedRgb(image);
        int plane = nPx * nPx;
        int pos = dst.position();
        for (int c = 0; c < 3; c++) {
            float[] t = lut[c];
            for (int i = 0; i < plane; i++) {
                dst.put(pos + c * plane + i, t[rgb[i * 3 + c] & 0xFF]);
            }
        }
        dst.position(pos + floatsPerImage());
    }

    /**
     * Steps 1-3 only: the {@code n_px x n_px} RGB uint8 pixels (HWC, interleaved) the tensor is
     * made from. Useful to inspect or to feed a GPU normalisation.
     */
    public byte[] resizedCroppedRgb(DecodedImage image) {
        int[] size = resizedSize(image.width(), image.height(), inner);
        ImageLimits.check(size[0], size[1], 4, "resizing " + image.width() + "x" + image.height() + " to " + size[0] + "x" + size[1]);
        DecodedImage resized = PillowResample.resize(image, size[0], size[1], ResampleFilter.BICUBIC);
        int top = cropOffset(resized.height(), inner);
        int left = cropOffset(resized.width(), inner);
        DecodedImage cropped = resized.width() == inner && resized.height() == inner
                ? resized : resized.crop(left, top, inner, inner);
        byte[] rgb = PillowConvert.toRgbBytes(cropped);
        if (inner == nPx) return rgb;
        // Centre on black: rows of the content copied into a zeroed canvas.
        byte[] canvas = new byte[nPx * nPx * 3];
        int off = (nPx - inner) / 2;
        for (int y = 0; y < inner; y++) {
            System.arraycopy(rgb, y * inner * 3, canvas, ((y + off) * nPx + off) * 3, inner * 3);
        }
        return canvas;
    }

    /**
     * torchvision's {@code Resize(int)} output size {@code {width, height}}: the shorter side
     * becomes {@code n}, the longer {@code int(n * long / short)} (truncated).
     */
    public static int[] resizedSize(int width, int height, int n) {
        int shorter = Math.min(width, height);
        int longer = Math.max(width, height);
        // In long arithmetic; a result beyond int (a 1 x 10^9 strip) saturates and is refused by the pixel bound.
        long newLong = (long) ((double) ((long) n * longer) / shorter);
        int nl = (int) Math.min(newLong, Integer.MAX_VALUE);
        return width <= height ? new int[] {n, nl} : new int[] {nl, n};
    }

    /** {@code int(round((size - n) / 2))} with Python's round half to even. */
    public static int cropOffset(int size, int n) {
        return (int) Math.rint((size - n) / 2.0);
    }
}
