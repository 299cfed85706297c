package dev.jclip.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {
    /** Index i as a 1-pixel-ish example whose caption names the index. */
    static class Numbers implements ImageTextDataset {
        final int n;
        Numbers(int n) { this.n = n; }
        @Override public int size() { return n; }
        @Override public int imageSize() { return 1; }
        @Override public Example get(int i) { return new Example(new float[]{i, i, i}, "n" + i, i); }
    }

    @Test void epochsVisitEveryIndexOnceAndRanksAreDisjoint() {
        Numbers ds = new Numbers(40);
        Set<Integer> seen = new HashSet<>();
        for (int rank = 0; rank < 2; rank++) {
            try (DataLoader dl = new DataLoader(ds, new DataLoader.Options(5, 3, rank, 2, 2, 3, 0))) {
                assertEquals(4, dl.batchesPerEpoch());
                for (int b = 0; b < 4; b++) for (int l : dl.next().labels()) assertTrue(seen.add(l), "index " + l + " twice");
            }
        }
        assertEquals(40, seen.size());
    }

    @Test void batchKIsTheSameWheneverAskedFor() {
        Numbers ds = new Numbers(50);
        int[][] straight = new int[12][];
        try (DataLoader dl = new DataLoader(ds, DataLoader.Options.of(8, 11))) {
            for (int k = 0; k < 12; k++) straight[k] = dl.next().labels();
        }
        try (DataLoader dl = new DataLoader(ds, DataLoader.Options.of(8, 11).startingAt(7))) {
            for (int k = 7; k < 12; k++) assertArrayEquals(straight[k], dl.next().labels(), "batch " + k);
        }
        assertNotEquals(java.util.Arrays.toString(straight[0]), java.util.Arrays.toString(straight[6]), "epochs reshuffle");
        Batch b;
        try (DataLoader dl = new DataLoader(ds, DataLoader.Options.of(8, 11))) { b = dl.next(); }
        assertEquals("n" + b.labels()[2], b.captions().get(2));
        assertEquals((float) b.labels()[2], b.pixels()[6]);
    }

    @Test void tooSmallAndBadOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(new Numbers(3), DataLoader.Options.of(4, 0)));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader.Options(4, 0, 2, 2, 1, 1, 0));
    }

    @Test void workerFailuresReachTheTrainingThread() {
        ImageTextDataset broken = new Numbers(10) {
            @Override public Example get(int i) { throw new IllegalStateException("bad example " + i); }
        };
        try (DataLoader dl = new DataLoader(broken, DataLoader.Options.of(2, 0))) {
            var e = assertThrows(IllegalStateException.class, dl::next);
            assertTrue(e.getMessage().startsWith("bad example"));
        }
    }
}
