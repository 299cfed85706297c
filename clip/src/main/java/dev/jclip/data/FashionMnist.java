package dev.jclip.data;

import dev.jclip.image.ClipPreprocess;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from its IDX files (as the Debian package {@code dataset-fashion-mnist} installs
 * them under {@code /usr/share/datasets/fashion-mnist/}), with captions built from the class
 * names and a few templates. The 28x28 grey images are centred on a black square of the model's
 * resolution (no resampling) and normalized with CLIP's mean and std per channel.
 *
 * <pre>{@code
 * FashionMnist train = FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 32, 0);
 * Example e = train.get(0);   // caption like "a photo of a sneaker"
 * }</pre>
 */
public final class FashionMnist implements ImageTextDataset {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class names in label order, worded for captions (the package lists "T-shirt/top" etc.). */
    public static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");
    /** Caption templates; the first is also the zero-shot prompt. */
    public static final List<String> TEMPLATES = List.of("a photo of a %s", "a %s", "a black and white photo of a %s",
            "a picture of a %s", "this is a %s", "a small photo of the %s");

    private static final int SIDE = 28;
    private final byte[] pixels;
    private final byte[] labels;
    private final int count;
    private final int size;
    private final long seed;

    private FashionMnist(byte[] pixels, byte[] labels, int size, long seed) {
        this.pixels = pixels;
        this.labels = labels;
        this.count = labels.length;
        this.size = size;
        this.seed = seed;
    }

    /** Whether the IDX files are present in {@code dir}. */
    public static boolean available(Path dir) {
        return Files.isReadable(dir.resolve("train-images-idx3-ubyte.gz")) && Files.isReadable(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    /**
     * Loads the training ({@code train}) or test split, images centred in {@code imageSize}
     * pixels ({@code >= 28}); {@code seed} picks caption templates.
     */
    public static FashionMnist load(Path dir, boolean train, int imageSize, long seed) {
        if (imageSize < SIDE) throw new IllegalArgumentException("Fashion-MNIST needs an image size of at least 28, got " + imageSize);
        String prefix = train ? "train" : "t10k";
        Path img = dir.resolve(prefix + "-images-idx3-ubyte.gz"), lab = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        byte[] labels = readIdx(lab, 0x801, new int[]{-1});
        byte[] pixels = readIdx(img, 0x803, new int[]{labels.length, SIDE, SIDE});
        return new FashionMnist(pixels, labels, imageSize, seed);
    }

    /** The payload of an IDX file with magic {@code magic}; {@code dims} (-1 = any) are checked. */
    static byte[] readIdx(Path file, int magic, int[] dims) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int m = in.readInt();
            if (m != magic) throw new IllegalArgumentException(file + ": IDX magic 0x" + Integer.toHexString(m) + ", expected 0x" + Integer.toHexString(magic));
            long n = 1;
            for (int d = 0; d < dims.length; d++) {
                int v = in.readInt();
                if (v < 0 || (dims[d] >= 0 && v != dims[d])) throw new IllegalArgumentException(file + ": dimension " + d + " is " + v + ", expected " + dims[d]);
                n *= v;
            }
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(file + ": " + n + " bytes is too large");
            byte[] out = new byte[(int) n];
            in.readFully(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override public int size() { return count; }

    @Override public int imageSize() { return size; }

    public int label(int index) { return labels[index]; }

    @Override public Example get(int index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException("Fashion-MNIST example " + index + " of " + count);
        int label = labels[index];
        // The template depends on the example only, so any batch order sees the same caption.
        int t = (int) Math.floorMod(Seeds.mix(seed, index), (long) TEMPLATES.size());
        return new Example(image(index), String.format(TEMPLATES.get(t), CLASSES.get(label)), label);
    }

    /** The CLIP-normalized CHW floats of image {@code index}. */
    public float[] image(int index) {
        int plane = size * size, off = (size - SIDE) / 2;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            float zero = (0 - ClipPreprocess.MEAN[c]) / ClipPreprocess.STD[c];
            java.util.Arrays.fill(out, c * plane, (c + 1) * plane, zero);
        }
        int base = index * SIDE * SIDE;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float v = (pixels[base + y * SIDE + x] & 255) / 255f;
                int o = (y + off) * size + x + off;
                for (int c = 0; c < 3; c++) out[c * plane + o] = (v - ClipPreprocess.MEAN[c]) / ClipPreprocess.STD[c];
            }
        }
        return out;
    }
}
