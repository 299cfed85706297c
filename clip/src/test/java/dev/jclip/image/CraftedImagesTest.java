package dev.jclip.image;

import dev.jclip.io.PeakRss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17's crafted images: a decompression bomb, a strip whose resize overflows an int, a PNG
 * with a bad CRC, an absurd output size. Each is one message naming the file; a batch goes on.
 */
class CraftedImagesTest {
    @TempDir Path dir;

    @Test void decompressionBombIsRefusedFromItsHeader() throws IOException {
        Path f = dir.resolve("bomb.png");
        Files.write(f, png(20000, 20000, new byte[]{0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1}, true));
        long before = PeakRss.reset();
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.defaults().decode(f));
        PeakRss.assertGrowthBelow(before, 128L << 20, "bomb.png");
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("20000x20000 = 400,000,000 pixels")
                && e.getMessage().contains("178,956,970"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test void imageUnderThePixelLimitButTooLargeToDecodeIsRefused() throws IOException {
        // 8000x8000 16-bit RGBA: 64 M pixels (under Pillow's limit) but 8 bytes a sample-set plus a copy.
        Path f = dir.resolve("deep.png");
        byte[] png = png(8000, 8000, new byte[]{0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1}, true);
        png[8 + 8 + 8] = 16; // bit depth
        png[8 + 8 + 9] = 6;  // colour type RGBA
        fixIhdrCrc(png);
        Files.write(f, png);
        long before = PeakRss.reset();
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.defaults().decode(f));
        PeakRss.assertGrowthBelow(before, 128L << 20, "deep.png");
        assertTrue(e.getMessage().contains("deep.png") && e.getMessage().contains("jclip.maxImageBytes"), e.getMessage());
    }

    private static void fixIhdrCrc(byte[] png) {
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        ByteBuffer.wrap(png, 29, 4).putInt((int) crc.getValue());
    }

    @Test void stripWhoseResizeWouldOverflowIsSkippedAndTheBatchGoesOn() throws IOException {
        BufferedImage strip = new BufferedImage(1, 100_000, BufferedImage.TYPE_BYTE_GRAY);
        Path bad = dir.resolve("strip.png"), good1 = dir.resolve("a.png"), good2 = dir.resolve("b.png");
        ImageIO.write(strip, "png", bad.toFile());
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", good1.toFile());
        ImageIO.write(new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB), "png", good2.toFile());
        long before = PeakRss.reset();
        PreprocessBatch.Result r = PreprocessBatch.run(new ClipPreprocess(224), List.of(good1, bad, good2), (file, chw) -> { });
        PeakRss.assertGrowthBelow(before, 256L << 20, "strip.png");
        assertEquals(2, r.succeeded());
        assertEquals(1, r.failures().size());
        String why = r.failures().get(0).reason();
        assertEquals(bad, r.failures().get(0).file());
        assertTrue(why.contains("resizing 1x100000 to 224x22400000") && why.contains("5,017,600,000 pixels"), why);
    }

    @Test void pngWithABadHeaderCrcIsRefusedAsPillowDoes() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", b);
        byte[] png = b.toByteArray();
        png[8 + 8 + 13] ^= 1; // last CRC byte... of IHDR: signature 8, length+type 8, data 13
        Path f = dir.resolve("crc.png");
        Files.write(f, png);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.defaults().decode(f));
        assertTrue(e.getMessage().contains("crc.png") && e.getMessage().contains("bad CRC in the IHDR chunk at byte 8"), e.getMessage());
        // A bad CRC in the image data is not checked by Pillow either: still decodes.
        png[8 + 8 + 13] ^= 1;
        assertEquals(8, ImageDecoder.defaults().decode(png, "ok.png").width());
    }

    @Test void outputSizeThatOverflowsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClipPreprocess(100_000));
        assertTrue(e.getMessage().contains("n_px 100000") && e.getMessage().contains("10,000,000,000 pixels"), e.getMessage());
        assertEquals(3 * 224 * 224, new ClipPreprocess(224).floatsPerImage());
    }

    /** A grayscale PNG with the given IHDR size and raw IDAT payload. */
    private static byte[] png(int w, int h, byte[] idat, boolean end) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        if (end) chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

}
