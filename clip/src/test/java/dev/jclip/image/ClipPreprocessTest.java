package dev.jclip.image;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClipPreprocessTest {
    @Test
    void resizedSizeTruncatesTheLongSide() {
        assertArrayEquals(new int[] {96, 64}, ClipPreprocess.resizedSize(120, 80, 64));
        assertArrayEquals(new int[] {48, 940}, ClipPreprocess.resizedSize(17, 333, 48));
        assertArrayEquals(new int[] {635, 224}, ClipPreprocess.resizedSize(2162, 762, 224));
        assertArrayEquals(new int[] {52, 83}, ClipPreprocess.resizedSize(50, 80, 52));
    }

    @Test
    void cropOffsetRoundsHalfToEven() {
        assertEquals(4, ClipPreprocess.cropOffset(73, 64)); // round(4.5) = 4, Math.round would give 5
        assertEquals(6, ClipPreprocess.cropOffset(77, 64)); // round(6.5) = 6
        assertEquals(2, ClipPreprocess.cropOffset(67, 64)); // round(1.5) = 2
        assertEquals(446, ClipPreprocess.cropOffset(940, 48));
    }

    @Test
    void normalisationIsFloat32OfTheReference() {
        DecodedImage white = DecodedImage.of8(ImageMode.L, 1, 1, new byte[] {(byte) 255});
        float[] out = new ClipPreprocess(1).preprocess(white);
        for (int c = 0; c < 3; c++) {
            assertEquals((1f - ClipPreprocess.MEAN[c]) / ClipPreprocess.STD[c], out[c], 0f);
        }
    }

    @Test
    void intoArrayOffsetAndBufferMatchPlainCall() {
        byte[] px = new byte[10 * 6 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 13);
        }
        DecodedImage im = DecodedImage.of8(ImageMode.RGB, 10, 6, px);
        ClipPreprocess pre = new ClipPreprocess(4);
        float[] one = pre.preprocess(im);
        assertEquals(48, one.length);
        float[] batch = new float[5 + 2 * 48];
        pre.preprocessInto(im, batch, 5 + 48);
        float[] slice = java.util.Arrays.copyOfRange(batch, 5 + 48, 5 + 96);
        assertArrayEquals(one, slice, 0f);
        FloatBuffer fb = FloatBuffer.allocate(60);
        fb.position(3);
        pre.preprocessInto(im, fb);
        assertEquals(51, fb.position());
        float[] fromBuf = new float[48];
        fb.get(3, fromBuf);
        assertArrayEquals(one, fromBuf, 0f);
        assertThrows(IndexOutOfBoundsException.class, () -> pre.preprocessInto(im, new float[50], 5));
    }
}
