package dev.jclip.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with {@code clip.clip._transform(n_px)} on every image of
 * {@code ${jclip.fixtures}/preprocess}: goal bit-exact, bar one uint8 level (1/255/std).
 */
class ClipPreprocessParityTest {
    private static Path dir;
    private static Map<String, TestSafetensors.Tensor> expected;

    @BeforeAll
    static void load() throws IOException {
        dir = Fixtures.preprocessDir();
        expected = TestSafetensors.read(dir.resolve("expected.safetensors"));
    }

    @Test
    void everyImageInTheFolderHasAnExpectedTensor() throws IOException {
        List<String> images = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".safetensors")).forEach(images::add);
        }
        assertFalse(images.isEmpty());
        assertEquals(expected.keySet().stream().sorted().toList(), images.stream().sorted().toList());
    }

    @TestFactory
    List<DynamicTest> preprocessMatchesReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (var e : expected.entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                int n = e.getValue().shape()[1];
                // the reference is PIL.Image.open: no EXIF transpose
                ClipPreprocess pre = new ClipPreprocess(n, ImageDecoder.defaults().withExifOrientation(false));
                float[] got = pre.preprocess(Fixtures.image(dir, e.getKey()));
                float[] want = e.getValue().floats();
                double maxDiff = maxAbsDiff(got, want);
                System.out.printf("preprocess parity %-22s n_px=%3d max|diff|=%.3g%n", e.getKey(), n, maxDiff);
                assertTrue(maxDiff <= oneLevel(), e.getKey() + ": max |diff| " + maxDiff + " > one uint8 level");
                assertArrayEquals(want, got, 0f, e.getKey() + " is not bit-exact");
            }));
        }
        return tests;
    }

    @Test
    void resizeFromStoredJpegPixelsMatchesReference() throws IOException {
        // separates the JPEG decoder from the resize: start from the pixels libjpeg-turbo gave Pillow
        var decoded = TestSafetensors.read(dir.resolve("jpeg_decoded.safetensors"));
        for (var e : decoded.entrySet()) {
            int[] s = e.getValue().shape();
            DecodedImage img = DecodedImage.of8(ImageMode.RGB, s[1], s[0], e.getValue().bytes());
            TestSafetensors.Tensor want = expected.get(e.getKey());
            float[] got = new ClipPreprocess(want.shape()[1]).preprocess(img);
            assertArrayEquals(want.floats(), got, 0f, e.getKey());
        }
    }

    @Test
    void javaJpegDecoderMatchesLibjpegTurbo() throws IOException {
        var decoded = TestSafetensors.read(dir.resolve("jpeg_decoded.safetensors"));
        for (var e : decoded.entrySet()) {
            DecodedImage img = ImageDecoder.defaults().decode(dir.resolve(e.getKey()));
            assertEquals(ImageMode.RGB, img.mode());
            byte[] want = e.getValue().bytes();
            byte[] got = img.pixels();
            assertEquals(want.length, got.length);
            int max = 0;
            for (int i = 0; i < want.length; i++) {
                max = Math.max(max, Math.abs((want[i] & 0xFF) - (got[i] & 0xFF)));
            }
            System.out.printf("jpeg decode %s: max |java - libjpeg-turbo| = %d levels%n", e.getKey(), max);
            assertTrue(max <= 1, e.getKey() + ": JPEG decoders differ by " + max + " levels");
        }
    }

    private static double oneLevel() {
        double minStd = Math.min(ClipPreprocess.STD[0], Math.min(ClipPreprocess.STD[1], ClipPreprocess.STD[2]));
        return 1.0 / 255 / minStd + 1e-6;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(b.length, a.length, "length");
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
