package dev.jclip.eval;

import dev.jclip.testing.SharedFiles;
import dev.jclip.data.LabelledImages;
import dev.jclip.data.LabelledFolder;
import dev.jclip.data.Subset;

import dev.jclip.data.FashionMnist;

import dev.jclip.image.ImageDecodeException;
import dev.jclip.image.ImageMode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class DatasetsTest {
    static final Path FMNIST = FashionMnist.DEFAULT_DIR;
    static Path preprocess() { return SharedFiles.fixture("preprocess"); }

    @Test void readsTheInstalledFashionMnist() {
        Assumptions.assumeTrue(FashionMnist.available(FMNIST), "dataset-fashion-mnist not installed");
        FashionMnist test = FashionMnist.load(FMNIST, FashionMnist.Split.TEST);
        assertEquals(10000, test.size());
        int[] count = new int[10];
        for (int y : test.labels()) count[y]++;
        for (int c : count) assertEquals(1000, c, "the test split is balanced");
        assertEquals(ImageMode.L, test.image(0).mode());
        assertEquals(28, test.image(0).width());
        assertEquals(9, test.label(0), "the first test item is an ankle boot");
    }

    static void writeIdx(Path file, int magic, int[] dims, int bytes) throws Exception {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(magic);
            for (int d : dims) out.writeInt(d);
            out.write(new byte[bytes]);
        }
    }

    @Test void truncatedOrForeignIdxFilesAreNamed(@TempDir Path dir) throws Exception {
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x803, new int[]{2, 28, 28}, 28 * 28 + 10);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, new int[]{2}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz is truncated") && e.getMessage().contains("794 of 1568"), e.getMessage());
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x801, new int[]{2, 28, 28}, 2 * 784);
        e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("magic number 0x801"), e.getMessage());
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x803, new int[]{2, 28, 28}, 2 * 784);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, new int[]{3}, 3);
        e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("3 labels"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN))
                .getMessage().contains("not found"));
    }

    @Test void labelledFolderListsClassesAndFiles(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("golden_retriever"));
        Files.createDirectories(dir.resolve("cat"));
        Files.copy(preprocess().resolve("rgb_73x64.png"), dir.resolve("cat/1.png"));
        Files.copy(preprocess().resolve("photo_120x80_q90.jpg"), dir.resolve("golden_retriever/2.jpg"));
        Files.writeString(dir.resolve("golden_retriever/3.jpg"), "broken");
        LabelledFolder f = LabelledFolder.scan(dir);
        assertEquals(List.of("cat", "golden retriever"), f.classes());
        assertArrayEquals(new int[]{0, 1, 1}, f.labels());
        assertEquals(64, f.image(0).height());
        assertThrows(ImageDecodeException.class, () -> f.image(2));
        LabelledImages[] parts = Subset.split(f, 0.5, 0);
        assertEquals(3, parts[0].size() + parts[1].size());
        assertThrows(IllegalArgumentException.class, () -> LabelledFolder.scan(dir.resolve("cat")));
    }
}
