package dev.jclip.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mode mapping of {@link ImageDecoder}: what {@code PIL.Image.open} reports for each kind of file. */
class ImageDecoderTest {
    private static final ImageDecoder DEC = ImageDecoder.defaults();

    @TempDir
    Path tmp;

    @Test
    void pngPaletteKeepsIndicesAndPaletteAndIgnoresTrns() throws IOException {
        byte[] plte = {10, 20, 30, 40, 50, 60, 70, 80, 90};
        byte[] png = TestPng.encode(3, 2, TestPng.PALETTE, 8, new int[][] {{0, 1, 2}, {2, 1, 0}}, plte, new byte[] {0, (byte) 128});
        DecodedImage im = DEC.decode(png, "pal.png");
        assertEquals(ImageMode.P, im.mode());
        assertArrayEquals(new byte[] {0, 1, 2, 2, 1, 0}, im.pixels());
        assertArrayEquals(plte, Arrays.copyOf(im.palette(), 9));
        // entries the file does not define hold Pillow's grey ramp
        assertEquals(200, im.palette()[200 * 3] & 0xFF);
        assertArrayEquals(new byte[] {10, 20, 30, 40, 50, 60, 70, 80, 90},
                Arrays.copyOf(PillowConvert.toRgbBytes(im), 9));
    }

    @Test
    void pngLowBitPaletteIsUnpacked() throws IOException {
        byte[] plte = {0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255};
        byte[] png = TestPng.encode(5, 1, TestPng.PALETTE, 2, new int[][] {{3, 2, 1, 0, 3}}, plte, null);
        DecodedImage im = DEC.decode(png, "pal2.png");
        assertEquals(ImageMode.P, im.mode());
        assertArrayEquals(new byte[] {3, 2, 1, 0, 3}, im.pixels());
    }

    @Test
    void pngGreyBitDepthsMapLikePillow() throws IOException {
        DecodedImage one = DEC.decode(TestPng.encode(3, 1, TestPng.GRAY, 1, new int[][] {{1, 0, 1}}, null, null), "g1.png");
        assertEquals(ImageMode.ONE, one.mode());
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 255}, one.pixels());

        DecodedImage two = DEC.decode(TestPng.encode(4, 1, TestPng.GRAY, 2, new int[][] {{0, 1, 2, 3}}, null, null), "g2.png");
        assertEquals(ImageMode.L, two.mode());
        assertArrayEquals(new byte[] {0, 85, (byte) 170, (byte) 255}, two.pixels());

        DecodedImage four = DEC.decode(TestPng.encode(2, 1, TestPng.GRAY, 4, new int[][] {{1, 15}}, null, null), "g4.png");
        assertArrayEquals(new byte[] {17, (byte) 255}, four.pixels());

        DecodedImage sixteen = DEC.decode(TestPng.encode(3, 1, TestPng.GRAY, 16, new int[][] {{0, 200, 65535}}, null, null), "g16.png");
        assertEquals(ImageMode.I, sixteen.mode());
        assertArrayEquals(new int[] {0, 200, 65535}, sixteen.intPixels());
        // convert("RGB") from I clamps: 16-bit grey comes out mostly white, as in Pillow
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 200, (byte) 200, (byte) 200, -1, -1, -1},
                PillowConvert.toRgbBytes(sixteen));
    }

    @Test
    void png16BitColourKeepsHighByteAndGreyAlphaIsLa() throws IOException {
        DecodedImage rgb = DEC.decode(TestPng.encode(1, 1, TestPng.RGB, 16, new int[][] {{0x12FF, 0xAB01, 0x0080}}, null, null), "c16.png");
        assertEquals(ImageMode.RGB, rgb.mode());
        assertArrayEquals(new byte[] {0x12, (byte) 0xAB, 0x00}, rgb.pixels());

        DecodedImage la = DEC.decode(TestPng.encode(2, 1, TestPng.GRAY_ALPHA, 8, new int[][] {{7, 0, 9, 255}}, null, null), "la.png");
        assertEquals(ImageMode.LA, la.mode());
        assertArrayEquals(new byte[] {7, 0, 9, (byte) 255}, la.pixels());

        DecodedImage rgba = DEC.decode(TestPng.encode(1, 1, TestPng.RGBA, 8, new int[][] {{1, 2, 3, 0}}, null, null), "rgba.png");
        assertEquals(ImageMode.RGBA, rgba.mode());
        assertArrayEquals(new byte[] {1, 2, 3, 0}, rgba.pixels()); // colour under alpha 0 is kept
    }

    @Test
    void rgbPngWithTrnsStaysRgb() throws IOException {
        byte[] png = TestPng.encode(2, 1, TestPng.RGB, 8, new int[][] {{1, 2, 3, 4, 5, 6}}, null, new byte[] {0, 1, 0, 2, 0, 3});
        DecodedImage im = DEC.decode(png, "trns.png");
        assertEquals(ImageMode.RGB, im.mode());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, im.pixels());
    }

    /** 8x8 indices and a full 256-entry palette (the JDK's GIF/BMP writers mangle tiny low-depth images). */
    private static final int[] IDX = new int[64];
    private static final byte[] PAL_R = new byte[256];
    private static final byte[] PAL_G = new byte[256];
    private static final byte[] PAL_B = new byte[256];

    static {
        for (int i = 0; i < 64; i++) {
            IDX[i] = (i * 37) % 256;
        }
        for (int i = 0; i < 256; i++) {
            PAL_R[i] = (byte) (255 - i);
            PAL_G[i] = (byte) (i * 7);
            PAL_B[i] = (byte) (i * 3);
        }
    }

    private static BufferedImage indexed8x8(byte[] r, byte[] g, byte[] b) {
        BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
        im.getRaster().setSamples(0, 0, 8, 8, 0, IDX);
        return im;
    }

    private static byte[] idxBytes() {
        byte[] b = new byte[64];
        for (int i = 0; i < 64; i++) {
            b[i] = (byte) IDX[i];
        }
        return b;
    }

    @Test
    void gifIsPaletteUnlessItsPaletteIsTheGreyRamp() throws IOException {
        DecodedImage pal = DEC.decode(write(indexed8x8(PAL_R, PAL_G, PAL_B), "gif"), "p.gif");
        assertEquals(ImageMode.P, pal.mode());
        assertArrayEquals(idxBytes(), pal.pixels());
        assertEquals(255 - 9, pal.palette()[9 * 3] & 0xFF);
        assertEquals(9 * 7, pal.palette()[9 * 3 + 1] & 0xFF);

        byte[] ramp = new byte[256];
        for (int i = 0; i < 256; i++) {
            ramp[i] = (byte) i;
        }
        DecodedImage grey = DEC.decode(write(indexed8x8(ramp, ramp, ramp), "gif"), "l.gif");
        assertEquals(ImageMode.L, grey.mode());
        assertArrayEquals(idxBytes(), grey.pixels());
    }

    @Test
    void bmpModes() throws IOException {
        DecodedImage pal = DEC.decode(write(indexed8x8(PAL_R, PAL_G, PAL_B), "bmp"), "p.bmp");
        assertEquals(ImageMode.P, pal.mode());
        assertArrayEquals(idxBytes(), pal.pixels());

        BufferedImage bw = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY);
        int[] bits = new int[64];
        bits[0] = 1;
        bits[2] = 1;
        bw.getRaster().setSamples(0, 0, 8, 8, 0, bits);
        DecodedImage one = DEC.decode(write(bw, "bmp"), "bw.bmp");
        assertEquals(ImageMode.ONE, one.mode());
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 255, 0}, Arrays.copyOf(one.pixels(), 4));

        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(0, 0, 0x102030);
        rgb.setRGB(1, 0, 0xFFEE01);
        DecodedImage c = DEC.decode(write(rgb, "bmp"), "rgb.bmp");
        assertEquals(ImageMode.RGB, c.mode());
        assertArrayEquals(new byte[] {0x10, 0x20, 0x30, (byte) 0xFF, (byte) 0xEE, 0x01}, c.pixels());
    }

    @Test
    void tiffRgbAndGrey() throws IOException {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(0, 0, 0x102030);
        rgb.setRGB(1, 0, 0xFFEE01);
        DecodedImage c = DEC.decode(write(rgb, "tiff"), "rgb.tif");
        assertEquals(ImageMode.RGB, c.mode());
        assertArrayEquals(new byte[] {0x10, 0x20, 0x30, (byte) 0xFF, (byte) 0xEE, 0x01}, c.pixels());

        BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
        DecodedImage l = DEC.decode(write(grey, "tiff"), "grey.tif");
        assertEquals(ImageMode.L, l.mode());
        assertArrayEquals(new byte[] {0, (byte) 128, (byte) 255}, l.pixels());
    }

    @Test
    void webpLossyLosslessAndAlphaDecode() {
        // 1x1 test images from Modernizr's WebP feature detection (lossy, lossless, alpha)
        DecodedImage lossy = DEC.decode(Base64.getDecoder().decode(
                "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"), "lossy.webp");
        assertEquals(1, lossy.width());
        assertEquals(ImageMode.RGB, lossy.mode());
        DecodedImage lossless = DEC.decode(Base64.getDecoder().decode(
                "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="), "lossless.webp");
        assertEquals(1, lossless.height());
        DecodedImage alpha = DEC.decode(Base64.getDecoder().decode(
                "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA=="),
                "alpha.webp");
        assertEquals(ImageMode.RGBA, alpha.mode());
    }

    @Test
    void greyJpegIsL() throws IOException {
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        DecodedImage l = DEC.decode(write(grey, "jpeg"), "grey.jpg");
        assertEquals(ImageMode.L, l.mode());
        assertEquals(0, l.pixels()[0]);
    }

    @Test
    void cmykJpegIsReadRawAndInvertedAsPillowAssumesAdobe() throws IOException {
        // a 4-component JPEG without Adobe marker: libjpeg reads it as CMYK, Pillow inverts ("CMYK;I")
        var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                raster.setPixel(x, y, new int[] {200, 100, 50, 30});
            }
        }
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(bos)) {
            writer.setOutput(ios);
            var p = writer.getDefaultWriteParam();
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(1f);
            writer.write(null, new javax.imageio.IIOImage(raster, null, null), p);
        } finally {
            writer.dispose();
        }
        DecodedImage im = DEC.decode(bos.toByteArray(), "cmyk.jpg");
        assertEquals(ImageMode.CMYK, im.mode());
        int[] px = {im.pixels()[0] & 0xFF, im.pixels()[1] & 0xFF, im.pixels()[2] & 0xFF, im.pixels()[3] & 0xFF};
        int[] want = {55, 155, 205, 225}; // 255 - stored
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], px[i], 1, "CMYK sample " + i);
        }
    }

    @Test
    void decodeFromStreamAndFileAgree() throws IOException {
        byte[] png = TestPng.encode(2, 1, TestPng.GRAY, 8, new int[][] {{3, 4}}, null, null);
        Path f = tmp.resolve("a.png");
        Files.write(f, png);
        assertArrayEquals(DEC.decode(f).pixels(), DEC.decode(new java.io.ByteArrayInputStream(png), "s").pixels());
    }

    static byte[] write(BufferedImage im, String format) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        if (!ImageIO.write(im, format, bos)) {
            throw new IOException("no " + format + " writer for " + im);
        }
        return bos.toByteArray();
    }
}
