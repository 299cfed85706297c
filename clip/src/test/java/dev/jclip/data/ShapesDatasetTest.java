package dev.jclip.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesDatasetTest {
    @Test void heldOutCombinationsNeverAppearInTraining() {
        ShapesDataset train = new ShapesDataset(32, ShapesDataset.Split.TRAIN, 2000, 1);
        ShapesDataset held = new ShapesDataset(32, ShapesDataset.Split.HELDOUT, 200, 1);
        Set<Integer> trainClasses = new HashSet<>(), heldClasses = new HashSet<>();
        for (int i = 0; i < train.size(); i++) {
            Example e = train.get(i);
            int k = e.label();
            assertFalse(ShapesDataset.isHeldOut(k / ShapesDataset.SHAPES.size(), k % ShapesDataset.SHAPES.size()), e.caption());
            String[] cs = ShapesDataset.className(k).split(" ");
            assertTrue(e.caption().contains(cs[0]) && e.caption().contains(cs[1]), e.caption() + " vs class " + ShapesDataset.className(k));
            trainClasses.add(k);
        }
        for (int i = 0; i < held.size(); i++) heldClasses.add(held.get(i).label());
        assertEquals(20, trainClasses.size());
        assertEquals(Set.of(0, 5, 10, 15), heldClasses);
        // Every colour and every shape still occurs in training.
        for (int c = 0; c < 6; c++) { final int cc = c; assertTrue(trainClasses.stream().anyMatch(k -> k / 4 == cc)); }
        for (int s = 0; s < 4; s++) { final int ss = s; assertTrue(trainClasses.stream().anyMatch(k -> k % 4 == ss)); }
    }

    @Test void examplesAreDeterministicAndCaptionsReadWell() {
        ShapesDataset a = new ShapesDataset(32, ShapesDataset.Split.TRAIN, 100, 4), b = new ShapesDataset(32, ShapesDataset.Split.TRAIN, 100, 4);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(a.get(i).image(), b.get(i).image());
            assertEquals(a.get(i).caption(), b.get(i).caption());
        }
        assertEquals(3 * 32 * 32, a.get(0).image().length);
        boolean longForm = false;
        for (int i = 0; i < 100; i++) longForm |= a.get(i).caption().matches("a (small|large) \\w+ \\w+ (on the (left|right)|at the (top|bottom)|in the middle)");
        assertTrue(longForm, "some captions say size, colour, shape and position");
    }

    @Test void theShapeIsDrawnWhereTheCaptionSays() {
        ShapesDataset ds = new ShapesDataset(32, ShapesDataset.Split.TRAIN, 10, 0);
        // A large red square on the left: the left half holds far more red than the right half.
        var img = ds.render(0, 1, 1, 0, new java.util.Random(1));
        int left = 0, right = 0;
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) {
            int p = img.getRGB(x, y), r = (p >> 16) & 255, g = (p >> 8) & 255;
            if (r > 150 && g < 100) { if (x < 16) left++; else right++; }
        }
        assertTrue(left > 100 && left > 4 * right, "red pixels left " + left + ", right " + right);
    }
}
