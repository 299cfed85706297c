package dev.jclip.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unreadable, truncated and non-image files give a clear {@link ImageDecodeException}; batches go on. */
class BadInputTest {
    @TempDir
    Path tmp;

    private ImageDecodeException fails(Path file) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.defaults().decode(file));
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        assertEquals(file.toString(), e.source());
        return e;
    }

    @Test
    void missingFile() {
        assertTrue(fails(tmp.resolve("nope.png")).reason().contains("no such file"));
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.write(tmp.resolve("empty.jpg"), new byte[0]);
        assertTrue(fails(f).reason().contains("empty"));
    }

    @Test
    void textFileIsNotAnImage() throws IOException {
        Path f = Files.writeString(tmp.resolve("notes.png"), "just some text, not a picture");
        assertTrue(fails(f).reason().contains("not a recognised image format"));
    }

    @Test
    void directoryIsUnreadable() throws IOException {
        Path d = Files.createDirectory(tmp.resolve("dir.png"));
        assertTrue(fails(d).reason().contains("cannot read"));
    }

    @Test
    void truncatedPng() throws IOException {
        byte[] png = ImageDecoderTest.write(noise(64, 64, BufferedImage.TYPE_3BYTE_BGR), "png");
        Path f = Files.write(tmp.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        fails(f);
    }

    @Test
    void truncatedJpeg() throws IOException {
        byte[] jpg = ImageDecoderTest.write(noise(64, 64, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
        Path f = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(jpg, jpg.length / 2));
        fails(f);
    }

    @Test
    void headerOnlyGif() throws IOException {
        byte[] gif = ImageDecoderTest.write(noise(32, 32, BufferedImage.TYPE_BYTE_INDEXED), "gif");
        Path f = Files.write(tmp.resolve("cut.gif"), Arrays.copyOf(gif, 20));
        fails(f);
    }

    @Test
    void batchSkipsBadFilesAndFinishesTheRest() throws IOException {
        Path good1 = Files.write(tmp.resolve("a.png"), ImageDecoderTest.write(noise(40, 30, BufferedImage.TYPE_3BYTE_BGR), "png"));
        Path bad = Files.writeString(tmp.resolve("b.jpg"), "garbage", StandardCharsets.UTF_8);
        Path missing = tmp.resolve("c.png");
        Path good2 = Files.write(tmp.resolve("d.png"), ImageDecoderTest.write(noise(20, 50, BufferedImage.TYPE_BYTE_GRAY), "png"));
        List<String> done = new ArrayList<>();
        ClipPreprocess pre = new ClipPreprocess(16);
        PreprocessBatch.Result r = PreprocessBatch.run(pre, List.of(good1, bad, missing, good2), (file, chw) -> {
            assertEquals(pre.floatsPerImage(), chw.length);
            done.add(file.getFileName().toString());
        });
        assertEquals(List.of("a.png", "d.png"), done);
        assertEquals(2, r.succeeded());
        assertEquals(List.of(bad, missing), r.failures().stream().map(PreprocessBatch.Failure::file).toList());
        assertTrue(r.failures().get(0).reason().contains("not a recognised image format"));
        assertTrue(r.failures().get(1).reason().contains("no such file"));
    }

    static BufferedImage noise(int w, int h, int type) {
        BufferedImage im = new BufferedImage(w, h, type);
        java.util.Random rnd = new java.util.Random(42);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, rnd.nextInt(0x1000000));
            }
        }
        return im;
    }
}
