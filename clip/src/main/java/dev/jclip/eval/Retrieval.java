package dev.jclip.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image-text retrieval recall@K in both directions, the way the CLIP paper reports Flickr30k and
 * MS-COCO: images and captions are ranked by cosine similarity; image-to-text counts a hit when
 * any of the image's captions is among the top K texts, text-to-image when the caption's own
 * image is among the top K images. Ties are broken by index (as a stable sort would), so the
 * result is deterministic.
 *
 * <pre>{@code
 * // 2 images, 3 captions: captions 0 and 1 describe image 0, caption 2 image 1
 * Retrieval.Report r = Retrieval.evaluate(imageFeatures, textFeatures, new int[]{0, 0, 1}, 1, 5, 10);
 * r.imageToText().get(1);   // recall@1 image -> text, in [0, 1]
 * }</pre>
 */
public final class Retrieval {
    /** Recall@K per K, both directions, and the similarity matrix (images x texts). */
    public record Report(Map<Integer, Double> imageToText, Map<Integer, Double> textToImage, float[] similarity,
                         int images, int texts) {
        /** {@code image->text R@1 0.500 R@5 ... | text->image R@1 ...}. */
        public String summary() {
            StringBuilder sb = new StringBuilder("image->text");
            imageToText.forEach((k, v) -> sb.append(String.format(" R@%d %.4f", k, v)));
            sb.append(" | text->image");
            textToImage.forEach((k, v) -> sb.append(String.format(" R@%d %.4f", k, v)));
            return sb.toString();
        }
    }

    private Retrieval() {}

    /**
     * @param images     image features {@code [N, D]} (normalised here)
     * @param texts      text features {@code [M, D]} (normalised here)
     * @param imageOfText for each text, the index of the image it describes
     * @param ks         the K values (each >= 1)
     */
    public static Report evaluate(Features images, Features texts, int[] imageOfText, int... ks) {
        if (texts.rows() != imageOfText.length) {
            throw new IllegalArgumentException(texts.rows() + " text features but " + imageOfText.length + " caption-image links");
        }
        if (images.rows() == 0 || texts.rows() == 0) throw new IllegalArgumentException("retrieval needs at least one image and one text");
        for (int j = 0; j < imageOfText.length; j++) {
            if (imageOfText[j] < 0 || imageOfText[j] >= images.rows()) {
                throw new IllegalArgumentException("text " + j + " points at image " + imageOfText[j] + " of " + images.rows());
            }
        }
        for (int k : ks) if (k < 1) throw new IllegalArgumentException("recall@K needs K >= 1, got " + k);
        int n = images.rows(), m = texts.rows();
        float[] sim = images.normalized().dotT(texts.normalized());
        List<List<Integer>> textsOfImage = new ArrayList<>();
        for (int i = 0; i < n; i++) textsOfImage.add(new ArrayList<>());
        for (int j = 0; j < m; j++) textsOfImage.get(imageOfText[j]).add(j);

        // Rank (0 = best) of the best-ranked correct item per query.
        int[] i2t = new int[n];
        for (int i = 0; i < n; i++) {
            int best = Integer.MAX_VALUE;
            for (int j : textsOfImage.get(i)) best = Math.min(best, rank(sim, i * m, m, 1, j));
            i2t[i] = best; // an image without captions never counts as a hit
        }
        int[] t2i = new int[m];
        for (int j = 0; j < m; j++) t2i[j] = rank(sim, j, n, m, imageOfText[j]);

        Map<Integer, Double> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        for (int k : ks) {
            a.put(k, fractionBelow(i2t, k));
            b.put(k, fractionBelow(t2i, k));
        }
        return new Report(a, b, sim, n, m);
    }

    /** Position of item {@code target} among {@code count} scores at {@code base + idx * stride}. */
    private static int rank(float[] s, int base, int count, int stride, int target) {
        float t = s[base + target * stride];
        int r = 0;
        for (int idx = 0; idx < count; idx++) {
            float v = s[base + idx * stride];
            if (v > t || (v == t && idx < target)) r++;
        }
        return r;
    }

    private static double fractionBelow(int[] ranks, int k) {
        int hit = 0;
        for (int r : ranks) if (r < k) hit++;
        return (double) hit / ranks.length;
    }
}
