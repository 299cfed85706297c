package dev.jclip.data;

import dev.jclip.image.DecodedImage;

import java.util.List;
import java.util.Random;

/**
 * A view of some items of a {@link LabelledImages}, in the order given: for train/test splits of
 * one labelled folder and for evaluation limits.
 *
 * <pre>{@code
 * LabelledImages[] parts = Subset.split(folder, 0.5, 0);   // {train, test}
 * }</pre>
 */
public record Subset(LabelledImages base, int[] index) implements LabelledImages {
    /** A seeded random split into {train, test}, stratified per class (each class split in {@code testFraction}). */
    public static LabelledImages[] split(LabelledImages set, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        Random rnd = new Random(seed);
        java.util.List<Integer> train = new java.util.ArrayList<>(), test = new java.util.ArrayList<>();
        for (int c = 0; c < set.classes().size(); c++) {
            java.util.List<Integer> items = new java.util.ArrayList<>();
            for (int i = 0; i < set.size(); i++) if (set.label(i) == c) items.add(i);
            java.util.Collections.shuffle(items, rnd);
            int nTest = (int) Math.round(items.size() * testFraction);
            if (items.size() >= 2) nTest = Math.clamp(nTest, 1, items.size() - 1);
            test.addAll(items.subList(0, nTest));
            train.addAll(items.subList(nTest, items.size()));
        }
        java.util.Collections.sort(train);
        java.util.Collections.sort(test);
        return new LabelledImages[]{new Subset(set, train.stream().mapToInt(Integer::intValue).toArray()),
                new Subset(set, test.stream().mapToInt(Integer::intValue).toArray())};
    }

    /** The first {@code n} items. */
    public static LabelledImages head(LabelledImages set, int n) {
        int k = Math.min(n, set.size());
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) idx[i] = i;
        return new Subset(set, idx);
    }

    @Override public List<String> classes() { return base.classes(); }

    @Override public int size() { return index.length; }

    @Override public int label(int i) { return base.label(index[i]); }

    @Override public String name(int i) { return base.name(index[i]); }

    @Override public DecodedImage image(int i) { return base.image(index[i]); }
}
