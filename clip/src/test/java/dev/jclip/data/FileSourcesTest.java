package dev.jclip.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import dev.jclip.image.ImageFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSourcesTest {
    static byte[] png(int grey) throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, grey * 0x010101);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test void folderAndCsvPairs(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a.png"), png(10));
        Files.writeString(dir.resolve("a.txt"), "a dark square\n");
        Files.write(dir.resolve("b.png"), png(250));
        Files.writeString(dir.resolve("b.txt"), "a light square");
        Files.write(dir.resolve("c.png"), png(100));  // no caption: ignored
        CaptionedFiles folder = CaptionedFiles.open(dir, 16);
        assertEquals(2, folder.size());
        assertEquals("a dark square", folder.get(0).caption());
        assertEquals(3 * 16 * 16, folder.get(1).image().length);
        assertTrue(folder.get(0).image()[0] < folder.get(1).image()[0]);

        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "filepath,title\nb.png,\"light, very \"\"light\"\"\"\nc.png,mid grey\n");
        CaptionedFiles c = CaptionedFiles.open(csv, 16);
        assertEquals(2, c.size());
        assertEquals("light, very \"light\"", c.get(0).caption());
        Files.writeString(csv, "file,words\nb.png,x\n");
        var e = assertThrows(IllegalArgumentException.class, () -> CaptionedFiles.open(csv, 16));
        assertTrue(e.getMessage().contains("filepath"), e.getMessage());
    }

    @Test void captionFolderPairsByStemOneCaptionPerLine(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a.png"), png(10));
        Files.writeString(dir.resolve("a.txt"), "first caption\n\n  second caption \n");
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/b.JPG"), png(200));        // the extension rule ignores case; sub-folders count
        Files.writeString(dir.resolve("sub/b.txt"), "third");
        Files.write(dir.resolve("no_caption.png"), png(100));
        Files.writeString(dir.resolve("orphan.txt"), "no image");
        Files.write(dir.resolve("empty.png"), png(100));
        Files.writeString(dir.resolve("empty.txt"), "\n  \n");
        Files.write(dir.resolve("._a.png"), png(1));             // macOS resource fork: not an image
        CaptionFolder p = CaptionFolder.scan(dir);
        assertEquals(List.of(dir.resolve("a.png"), dir.resolve("sub/b.JPG")), p.images());
        assertEquals(List.of("first caption", "second caption", "third"), p.captions());
        assertArrayEquals(new int[]{0, 0, 1}, p.imageOfCaption());
        assertEquals(3, p.unpaired());

        CaptionedFiles train = CaptionedFiles.open(dir, 16);      // training reads the same pairs
        assertEquals(3, train.size());
        assertEquals("second caption", train.get(1).caption());
        assertArrayEquals(train.get(0).image(), train.get(1).image());

        var e = assertThrows(IllegalArgumentException.class, () -> CaptionFolder.scan(dir.resolve("sub/b.JPG")));
        assertEquals("not a folder: " + dir.resolve("sub/b.JPG"), e.getMessage());
        Files.delete(dir.resolve("a.txt"));
        Files.delete(dir.resolve("sub/b.txt"));
        e = assertThrows(IllegalArgumentException.class, () -> CaptionFolder.scan(dir));
        assertTrue(e.getMessage().contains("no image with a caption file"), e.getMessage());
    }

    @Test void oneImageExtensionRule() {
        for (String n : List.of("a.jpg", "a.JPEG", "b.png", "c.gif", "d.bmp", "e.webp", "f.tif", "g.TIFF", "dir/x.y.png")) {
            assertTrue(ImageFiles.isImage(Path.of(n)), n);
        }
        for (String n : List.of("a.txt", "png", ".png", "._a.jpg", "a.jpg.bak", "a.svg")) {
            assertFalse(ImageFiles.isImage(Path.of(n)), n);
        }
    }

    @Test void webDatasetStreamsPairsShardedByWorker(@TempDir Path dir) throws Exception {
        for (int s = 0; s < 2; s++) {
            try (OutputStream f = Files.newOutputStream(dir.resolve("data-00" + s + ".tar")); TarArchiveOutputStream tar = new TarArchiveOutputStream(f)) {
                for (int i = 0; i < 6; i++) {
                    String key = "s" + s + "/k" + i;
                    add(tar, key + ".png", png(20 * i + s));
                    add(tar, key + ".txt", ("caption " + s + "-" + i).getBytes(StandardCharsets.UTF_8));
                }
                add(tar, "s" + s + "/lonely.txt", "no image".getBytes(StandardCharsets.UTF_8));
            }
        }
        List<Path> shards = WebDataset.expand(dir + "/data-{000..001}.tar");
        assertEquals(2, shards.size());
        Set<String> seen = new HashSet<>();
        // One worker, no shuffle buffer: the first 12 samples are exactly one epoch over both shards.
        try (WebDataset wds = new WebDataset(shards, 16, 4, 1, 0, 1, 1, 1)) {
            for (int b = 0; b < 3; b++) {
                Batch batch = wds.next();
                assertEquals(4, batch.count());
                seen.addAll(batch.captions());
            }
        }
        assertEquals(12, seen.size(), "one epoch of 12 pairs in 3 batches: " + seen);
        assertTrue(seen.stream().noneMatch(c -> c.equals("no image")));
        // Rank 1 of 2 with one worker reads only the second shard.
        try (WebDataset wds = new WebDataset(shards, 16, 6, 1, 1, 2, 1, 1)) {
            assertTrue(wds.next().captions().stream().allMatch(c -> c.startsWith("caption 1-")));
        }
        // Two workers, shuffle buffer 3: full batches of real pairs.
        try (WebDataset wds = new WebDataset(shards, 16, 5, 1, 0, 1, 2, 3)) {
            for (int b = 0; b < 3; b++) assertTrue(wds.next().captions().stream().allMatch(c -> c.startsWith("caption ")));
        }
        // Rank 2 of 3 gets no shard of 2: refused, not a silent hang.
        assertThrows(IllegalArgumentException.class, () -> new WebDataset(shards, 16, 4, 1, 2, 3, 1, 1));
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws Exception {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    @Test void fashionMnistWhenInstalled() {
        Assumptions.assumeTrue(FashionMnist.available(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        FashionMnist raw = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
        ImageTextDataset test = raw.captioned(FashionMnist.TRANSFORM.preprocess(32), 0);
        assertEquals(10_000, test.size());
        int[] counts = new int[10];
        for (int i = 0; i < test.size(); i++) counts[raw.label(i)]++;
        for (int c : counts) assertEquals(1000, c);
        Example e = test.get(0);
        assertEquals(3 * 32 * 32, e.image().length);
        assertTrue(e.caption().endsWith(FashionMnist.CLASSES.get(e.label())), e.caption());
        // The 2-pixel black border keeps the normalized value of 0.
        assertEquals((0 - 0.48145466f) / 0.26862954f, e.image()[0], 1e-6);
    }
}
