package dev.jclip.data;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageMode;
import dev.jclip.image.ImageTransform;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its IDX files, gzip-compressed as the Debian
 * package {@code dataset-fashion-mnist} installs them under {@link #DEFAULT_DIR}: 28 x 28 grey
 * images (mode L, white garment on black) with labels 0-9. The one reader of the project, and the
 * one place for this data set's class wording ({@link #CLASSES}), prompt templates
 * ({@link #TEMPLATES}) and image transform ({@link #TRANSFORM}), so that training captions,
 * training's zero-shot check, {@code clip eval} and {@code clip zero-shot} agree.
 *
 * <p>As {@link LabelledImages} it serves decoded images for evaluation; {@link #captioned} is the
 * training view (captions = a class name in one of the templates, picked per example).
 * A wrong magic number, count mismatch or truncated file is an error naming the file and offset.
 *
 * <pre>{@code
 * FashionMnist test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
 * test.size();                                   // 10000
 * ImageTextDataset train = FashionMnist.load(dir, FashionMnist.Split.TRAIN)
 *         .captioned(FashionMnist.TRANSFORM.preprocess(32), 0);
 * train.get(0).caption();                        // e.g. "a photo of a ankle boot"
 * }</pre>
 */
public final class FashionMnist implements LabelledImages {
    /** Where the Debian package installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Class names in label order, worded for prompts (the package's README says "T-shirt/top", "Ankle boot", ...). */
    public static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");
    /** Caption and zero-shot prompt templates ({} = class name); training captions draw one per example. */
    public static final List<String> TEMPLATES = List.of("a photo of a {}", "a {}", "a black and white photo of a {}",
            "a picture of a {}", "this is a {}", "a small photo of the {}");
    /** The images as they are (28 px, CLIP transform = no resampling), centred on black at the model's resolution. */
    public static final ImageTransform TRANSFORM = ImageTransform.pad(28);
    public static final int SIDE = 28;

    /** The two published splits and their file-name prefixes. */
    public enum Split {
        TRAIN("train"), TEST("t10k");
        final String prefix;
        Split(String prefix) { this.prefix = prefix; }
    }

    private final byte[] pixels;
    private final byte[] labels;
    private final String name;

    private FashionMnist(byte[] pixels, byte[] labels, String name) {
        this.pixels = pixels;
        this.labels = labels;
        this.name = name;
    }

    /** Whether both splits are present under {@code dir}. */
    public static boolean available(Path dir) {
        for (Split s : Split.values()) {
            if (!Files.isRegularFile(dir.resolve(s.prefix + "-images-idx3-ubyte.gz"))
                    || !Files.isRegularFile(dir.resolve(s.prefix + "-labels-idx1-ubyte.gz"))) return false;
        }
        return true;
    }

    /** Reads one split from {@code dir}. */
    public static FashionMnist load(Path dir, Split split) {
        Path imageFile = dir.resolve(split.prefix + "-images-idx3-ubyte.gz");
        Path labelFile = dir.resolve(split.prefix + "-labels-idx1-ubyte.gz");
        int[] imageDims = new int[3];
        byte[] px = readIdx(imageFile, 0x803, imageDims);
        int[] labelDims = new int[1];
        byte[] lb = readIdx(labelFile, 0x801, labelDims);
        if (imageDims[1] != SIDE || imageDims[2] != SIDE) {
            throw new IllegalArgumentException(imageFile + ": images are " + imageDims[1] + "x" + imageDims[2] + ", expected 28x28");
        }
        if (imageDims[0] != labelDims[0]) {
            throw new IllegalArgumentException(imageFile + " holds " + imageDims[0] + " images but " + labelFile + " " + labelDims[0] + " labels");
        }
        for (int i = 0; i < lb.length; i++) {
            if (lb[i] < 0 || lb[i] >= CLASSES.size()) {
                throw new IllegalArgumentException(labelFile + ": label " + lb[i] + " at offset " + (8 + i) + " is not in 0..9");
            }
        }
        return new FashionMnist(px, lb, "fashion-mnist/" + split.name().toLowerCase());
    }

    /** An IDX file of unsigned bytes: magic {@code 0x00000800 | rank}, big-endian int32 dims, data. */
    static byte[] readIdx(Path file, int magic, int[] dims) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int m = in.readInt();
            if (m != magic) {
                throw new IllegalArgumentException(file + ": IDX magic number 0x" + Integer.toHexString(m) + " at offset 0, expected 0x"
                        + Integer.toHexString(magic) + " (unsigned bytes, " + dims.length + " dimensions)");
            }
            long n = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) throw new IllegalArgumentException(file + ": negative dimension " + dims[i] + " at offset " + (4 + 4 * i));
                n *= dims[i];
            }
            if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(file + ": " + n + " values is too many");
            byte[] data = new byte[(int) n];
            int off = 0;
            while (off < data.length) {
                int r = in.read(data, off, data.length - off);
                if (r < 0) {
                    throw new IllegalArgumentException(file + " is truncated: " + off + " of " + n + " data bytes (ends at offset "
                            + (4 + 4 * dims.length + off) + " of the uncompressed IDX data)");
                }
                off += r;
            }
            return data;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Fashion-MNIST file not found: " + file
                    + " (install the Debian package dataset-fashion-mnist, or pass its folder)", e);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " is truncated inside its IDX header", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first {@code n} items (or all when fewer): a quick subset. */
    public FashionMnist head(int n) {
        int k = Math.min(n, size());
        return new FashionMnist(Arrays.copyOf(pixels, k * SIDE * SIDE), Arrays.copyOf(labels, k), name);
    }

    @Override public List<String> classes() { return CLASSES; }

    @Override public int size() { return labels.length; }

    @Override public int label(int i) { return labels[i]; }

    @Override public String name(int i) { return name + "#" + i; }

    @Override public DecodedImage image(int i) {
        if (i < 0 || i >= labels.length) throw new IndexOutOfBoundsException("Fashion-MNIST item " + i + " of " + labels.length);
        return DecodedImage.of8(ImageMode.L, SIDE, SIDE, Arrays.copyOfRange(pixels, i * SIDE * SIDE, (i + 1) * SIDE * SIDE));
    }

    /** Template {@code t} filled with class {@code label}'s name. */
    public static String prompt(int t, int label) {
        return TEMPLATES.get(t).replace("{}", CLASSES.get(label));
    }

    /**
     * The training view: images through {@code preprocess} (normally {@code TRANSFORM.preprocess(resolution)}),
     * captions from a template chosen by a hash of ({@code seed}, index), so any batch order sees the same caption.
     */
    public ImageTextDataset captioned(ClipPreprocess preprocess, long seed) {
        return new ImageTextDataset() {
            @Override public int size() { return labels.length; }

            @Override public int imageSize() { return preprocess.size(); }

            @Override public Example get(int index) {
                if (index < 0 || index >= labels.length) throw new IndexOutOfBoundsException("Fashion-MNIST example " + index + " of " + labels.length);
                int t = (int) Math.floorMod(Seeds.mix(seed, index), (long) TEMPLATES.size());
                return new Example(preprocess.preprocess(image(index)), prompt(t, labels[index]), labels[index]);
            }
        };
    }
}
