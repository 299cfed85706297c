package dev.jclip.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Pieces of the Pillow port checked against values worked out by hand from Resample.c / Convert.c. */
class PillowResampleTest {
    @Test
    void sameSizeIsNotResampled() {
        DecodedImage im = DecodedImage.of8(ImageMode.RGB, 2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        assertSame(im, PillowResample.resize(im, 2, 1, ResampleFilter.BICUBIC));
    }

    @Test
    void nearestDuplicatesOnExactUpscale() {
        DecodedImage im = DecodedImage.of8(ImageMode.L, 3, 1, new byte[] {10, 20, 30});
        DecodedImage out = PillowResample.resize(im, 6, 2, ResampleFilter.NEAREST);
        assertArrayEquals(new byte[] {10, 10, 20, 20, 30, 30, 10, 10, 20, 20, 30, 30}, out.pixels());
    }

    @Test
    void paletteImagesAreAlwaysResizedNearest() {
        byte[] pal = new byte[768];
        DecodedImage im = DecodedImage.ofPalette(2, 1, new byte[] {0, 7}, pal);
        DecodedImage out = PillowResample.resize(im, 4, 1, ResampleFilter.BICUBIC);
        assertArrayEquals(new byte[] {0, 0, 7, 7}, out.pixels()); // bicubic would invent index values
        assertSame(pal, out.palette());
    }

    @Test
    void bicubicCoefficientsForAHalvingStep() {
        // scale 2: support 4, window [center-4, center+4); for output 0 the center is 1.0
        PillowResample.Coeffs c = PillowResample.precomputeCoeffs(8, 0f, 8f, 4, ResampleFilter.BICUBIC);
        assertEquals(9, c.ksize());
        assertEquals(0, c.bounds()[0]);
        assertEquals(5, c.bounds()[1]); // xmax = int(1 + 4 + 0.5) = 5
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += c.kk()[i];
        }
        assertEquals(1.0, sum, 1e-12);
        // kernel at (0 - 1 + 0.5) / 2 = -0.25: (1.5 * 0.25 - 2.5) * 0.0625 + 1 = 0.8671875 before normalisation
        assertEquals(0.8671875 / weights(new double[] {-0.25, 0.25, 0.75, 1.25, 1.75}), c.kk()[0], 1e-15);
    }

    private static double weights(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += ResampleFilter.BICUBIC.eval(x);
        }
        return s;
    }

    @Test
    void fixedPointCoefficientsRoundHalfAwayFromZero() {
        int[] k = PillowResample.normalizeCoeffs8bpc(new double[] {0.5, -0.25, 1.0 / (1 << 23), -1.0 / (1 << 23)});
        assertArrayEquals(new int[] {1 << 21, -(1 << 20), 1, -1}, k);
        assertEquals(0, PillowResample.clip8(-5));
        assertEquals(255, PillowResample.clip8(300 << 22));
        assertEquals(17, PillowResample.clip8((17 << 22) + (1 << 21)));
    }

    @Test
    void greyResizesLikeEachChannelOfRgb() {
        byte[] grey = new byte[7 * 5];
        byte[] rgb = new byte[7 * 5 * 3];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) ((i * 53) % 256);
            rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = grey[i];
        }
        byte[] l = PillowResample.resize(DecodedImage.of8(ImageMode.L, 7, 5, grey), 3, 9, ResampleFilter.BICUBIC).pixels();
        byte[] c = PillowResample.resize(DecodedImage.of8(ImageMode.RGB, 7, 5, rgb), 3, 9, ResampleFilter.BICUBIC).pixels();
        for (int i = 0; i < l.length; i++) {
            assertEquals(l[i], c[i * 3 + 1]);
        }
    }

    @Test
    void opaqueRgbaResizesLikeRgbAndTransparentColourTurnsBlack() {
        byte[] rgba = new byte[6 * 4 * 4];
        byte[] rgb = new byte[6 * 4 * 3];
        for (int i = 0; i < 24; i++) {
            for (int ch = 0; ch < 3; ch++) {
                rgba[i * 4 + ch] = rgb[i * 3 + ch] = (byte) ((i * 31 + ch * 70) % 256);
            }
            rgba[i * 4 + 3] = (byte) 255;
        }
        DecodedImage a = PillowResample.resize(DecodedImage.of8(ImageMode.RGBA, 6, 4, rgba), 4, 3, ResampleFilter.BICUBIC);
        DecodedImage b = PillowResample.resize(DecodedImage.of8(ImageMode.RGB, 6, 4, rgb), 4, 3, ResampleFilter.BICUBIC);
        assertArrayEquals(b.pixels(), PillowConvert.toRgbBytes(a));

        byte[] hidden = new byte[4 * 4];
        for (int i = 0; i < 4; i++) {
            hidden[i * 4] = (byte) 200; // red under alpha 0
        }
        DecodedImage t = PillowResample.resize(DecodedImage.of8(ImageMode.RGBA, 2, 2, hidden), 1, 1, ResampleFilter.BICUBIC);
        assertArrayEquals(new byte[] {0, 0, 0, 0}, t.pixels());
    }

    @Test
    void premultiplyRoundingAsConvertC() {
        DecodedImage im = DecodedImage.of8(ImageMode.RGBA, 1, 1, new byte[] {(byte) 255, (byte) 128, 0, (byte) 128});
        DecodedImage pre = PillowConvert.premultiply(im);
        assertArrayEquals(new byte[] {(byte) 128, 64, 0, (byte) 128}, pre.pixels());
        // 255 * 64 / 128 = 127 (truncated): the round trip loses a level, as in Pillow
        assertArrayEquals(new byte[] {(byte) 255, 127, 0, (byte) 128}, PillowConvert.unpremultiply(pre).pixels());
        DecodedImage la = DecodedImage.of8(ImageMode.LA, 1, 1, new byte[] {(byte) 200, 51});
        assertArrayEquals(new byte[] {40, 51}, PillowConvert.premultiply(la).pixels());
    }

    @Test
    void cmykToRgbAsPillow() {
        DecodedImage cmyk = DecodedImage.of8(ImageMode.CMYK, 3, 1, new byte[] {
                0, 0, 0, 0, 0, 0, 0, (byte) 255, (byte) 128, (byte) 255, 0, (byte) 128});
        // nk = 127: 127 - muldiv255(128, 127) = 127 - 64 = 63; 127 - muldiv255(255, 127) = 0
        assertArrayEquals(new byte[] {-1, -1, -1, 0, 0, 0, 63, 0, 127}, PillowConvert.toRgbBytes(cmyk));
    }

    @Test
    void modeIResizeUsesDoublesWithoutClipping() {
        DecodedImage im = DecodedImage.ofInt(2, 1, new int[] {1000, 60000});
        DecodedImage out = PillowResample.resize(im, 4, 1, ResampleFilter.BILINEAR);
        int[] v = out.intPixels();
        assertEquals(1000, v[0]);
        assertEquals(60000, v[3]);
        assertEquals(Math.round(1000 * 0.75 + 60000 * 0.25), v[1]);
    }
}
