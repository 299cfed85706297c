package dev.jclip.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ExifOrientationTest {
    // 3 wide, 2 high:  a b c
    //                  d e f
    private static final DecodedImage IM = DecodedImage.of8(ImageMode.L, 3, 2, new byte[] {'a', 'b', 'c', 'd', 'e', 'f'});

    private static String apply(int o) {
        DecodedImage r = ExifOrientation.apply(IM, o);
        return r.width() + "x" + r.height() + ":" + new String(r.pixels(), java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void allEightOrientationsAsPillowExifTranspose() {
        assertEquals("3x2:abcdef", apply(1));
        assertEquals("3x2:cbafed", apply(2)); // mirror
        assertEquals("3x2:fedcba", apply(3)); // rotate 180
        assertEquals("3x2:defabc", apply(4)); // flip
        assertEquals("2x3:adbecf", apply(5)); // transpose
        assertEquals("2x3:daebfc", apply(6)); // rotate 90 clockwise
        assertEquals("2x3:fcebda", apply(7)); // transverse
        assertEquals("2x3:cfbead", apply(8)); // rotate 90 counter-clockwise
    }

    @Test
    void decoderAppliesExifOrientationOfAJpegUnlessAskedNotTo() throws IOException {
        BufferedImage src = BadInputTest.noise(32, 16, BufferedImage.TYPE_3BYTE_BGR);
        byte[] jpg = withExifOrientation(ImageDecoderTest.write(src, "jpeg"), 6);
        DecodedImage raw = ImageDecoder.defaults().withExifOrientation(false).decode(jpg, "o6.jpg");
        DecodedImage upright = ImageDecoder.defaults().decode(jpg, "o6.jpg");
        assertEquals(32, raw.width());
        assertEquals(16, upright.width());
        assertEquals(32, upright.height());
        assertArrayEquals(ExifOrientation.apply(raw, 6).pixels(), upright.pixels());
    }

    /** Inserts an APP1 Exif segment (big-endian TIFF, one IFD0 entry: Orientation) after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {
                'M', 'M', 0, 42, 0, 0, 0, 8,           // header, IFD0 at 8
                0, 1,                                   // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation SHORT 1
                0, 0, 0, 0};                            // no next IFD
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int len = 2 + 6 + tiff.length;
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
