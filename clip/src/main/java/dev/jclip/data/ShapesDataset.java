package dev.jclip.data;

import dev.jclip.image.ClipPreprocess;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic "shapes": one coloured shape of some size and position on a plain background,
 * drawn on the fly with java.awt (antialiasing off, so every pixel is a pure function of the
 * index), with a caption such as "a small red circle on the left". A fixed set of colour-shape
 * combinations ({@link #isHeldOut}) never appears in {@link Split#TRAIN}: zero-shot accuracy on them
 * measures whether the model composes colour and shape words it saw apart.
 *
 * <pre>{@code
 * ShapesDataset train = new ShapesDataset(32, ShapesDataset.Split.TRAIN, 20_000, 7);
 * Example e = train.get(0);    // e.caption() like "a large blue square at the top"
 * }</pre>
 */
public final class ShapesDataset implements ImageTextDataset {
    public static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange");
    public static final List<String> SHAPES = List.of("circle", "square", "triangle", "diamond");
    public static final List<String> SIZES = List.of("small", "large");
    public static final List<String> POSITIONS = List.of("on the left", "on the right", "at the top", "at the bottom", "in the middle");
    private static final int[][] RGB = {{220, 30, 30}, {30, 170, 40}, {40, 60, 220}, {235, 215, 30}, {150, 40, 180}, {250, 140, 20}};
    private static final String[] TEMPLATES = {
            "a %s %s %s %s", "a photo of a %2$s %3$s", "a %2$s %3$s %4$s", "a %s %s %s", "%2$s %3$s",
    };

    /** Which combinations an instance draws. */
    public enum Split {
        /** Seen combinations only. */ TRAIN,
        /** Seen combinations, other random draws than TRAIN (evaluation). */ SEEN,
        /** Held-out combinations only (evaluation). */ HELDOUT
    }

    private final int size;
    private final Split split;
    private final int count;
    private final long seed;
    private final List<int[]> combos;

    public ShapesDataset(int imageSize, Split split, int count, long seed) {
        if (imageSize < 16) throw new IllegalArgumentException("shapes need at least 16 px, got " + imageSize);
        if (count < 1) throw new IllegalArgumentException("count must be >= 1, got " + count);
        this.size = imageSize;
        this.split = split;
        this.count = count;
        // Evaluation splits draw from another random stream than training.
        this.seed = seed * 31 + split.ordinal();
        this.combos = new ArrayList<>();
        for (int c = 0; c < COLOURS.size(); c++) {
            for (int s = 0; s < SHAPES.size(); s++) {
                if (isHeldOut(c, s) == (split == Split.HELDOUT)) combos.add(new int[]{c, s});
            }
        }
    }

    /**
     * The held-out combinations: colour i &lt; 4 with shape i (red circle, green square, blue
     * triangle, yellow diamond). Every colour and every shape still occurs in training.
     */
    public static boolean isHeldOut(int colour, int shape) { return colour < SHAPES.size() && colour == shape; }

    /** Class index of a colour-shape combination among all {@code COLOURS x SHAPES}. */
    public static int classOf(int colour, int shape) { return colour * SHAPES.size() + shape; }

    /** Number of classes (all combinations). */
    public static int classCount() { return COLOURS.size() * SHAPES.size(); }

    /** "red circle" for class {@code k}. */
    public static String className(int k) { return COLOURS.get(k / SHAPES.size()) + " " + SHAPES.get(k % SHAPES.size()); }

    @Override public int size() { return count; }

    @Override public int imageSize() { return size; }

    public Split split() { return split; }

    @Override public Example get(int index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException("shape example " + index + " of " + count);
        Random r = new Random(Seeds.mix(seed, index));
        int[] combo = combos.get(r.nextInt(combos.size()));
        int sz = r.nextInt(SIZES.size()), pos = r.nextInt(POSITIONS.size());
        BufferedImage img = render(combo[0], combo[1], sz, pos, r);
        String t = TEMPLATES[r.nextInt(TEMPLATES.length)];
        String caption = String.format(t, SIZES.get(sz), COLOURS.get(combo[0]), SHAPES.get(combo[1]), POSITIONS.get(pos));
        return new Example(toChw(img), caption, classOf(combo[0], combo[1]));
    }

    /** Draws one image (background grey level and small colour jitter from {@code r}). */
    public BufferedImage render(int colour, int shape, int sizeIndex, int position, Random r) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            int bg = 200 + r.nextInt(56);
            g.setColor(new Color(bg, bg, bg));
            g.fillRect(0, 0, size, size);
            int[] c = RGB[colour];
            g.setColor(new Color(jitter(c[0], r), jitter(c[1], r), jitter(c[2], r)));
            int d = (int) Math.round(size * (sizeIndex == 0 ? 0.28 : 0.5));
            int lo = d / 2 + 1, hi = size - d / 2 - 1;
            int cx = size / 2, cy = size / 2;
            switch (position) {
                case 0 -> cx = lo;
                case 1 -> cx = hi;
                case 2 -> cy = lo;
                case 3 -> cy = hi;
                default -> { }
            }
            // A little wobble so positions are regions, not single points.
            cx += r.nextInt(3) - 1;
            cy += r.nextInt(3) - 1;
            int x0 = cx - d / 2, y0 = cy - d / 2;
            switch (shape) {
                case 0 -> g.fillOval(x0, y0, d, d);
                case 1 -> g.fillRect(x0, y0, d, d);
                case 2 -> g.fillPolygon(new Polygon(new int[]{cx, x0 + d, x0}, new int[]{y0, y0 + d, y0 + d}, 3));
                default -> g.fillPolygon(new Polygon(new int[]{cx, x0 + d, cx, x0}, new int[]{y0, cy, y0 + d, cy}, 4));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static int jitter(int v, Random r) { return Math.max(0, Math.min(255, v + r.nextInt(31) - 15)); }

    /** CLIP-normalized CHW floats of an RGB image already at the model's size. */
    public static float[] toChw(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        float[] out = new float[3 * w * h];
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int[] ch = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
            for (int c = 0; c < 3; c++) out[c * w * h + i] = (ch[c] / 255f - ClipPreprocess.MEAN[c]) / ClipPreprocess.STD[c];
        }
        return out;
    }
}
