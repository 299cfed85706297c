package dev.jclip.image;

import dev.jclip.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ImageTransformTest {
    static Path preprocess() { return SharedFiles.fixture("preprocess"); }

    @Test void metadataRoundTripAndDefault() {
        assertEquals(ImageTransform.clip(), ImageTransform.fromMetadata(Map.of(), "m.safetensors"), "nothing recorded = CLIP's transform");
        assertEquals(ImageTransform.clip(), ImageTransform.fromMetadata(null, "m.safetensors"));
        for (ImageTransform t : new ImageTransform[]{ImageTransform.clip(), ImageTransform.pad(28)}) {
            assertEquals(t, ImageTransform.fromMetadata(Map.of(ImageTransform.METADATA_KEY, t.toJson()), "m"));
        }
        assertEquals("{\"type\":\"pad\",\"inner\":28}", ImageTransform.pad(28).toJson());
    }

    @Test void badMetadataIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageTransform.fromJson("{\"type\":\"warp\"}", "m.safetensors"));
        assertTrue(e.getMessage().contains("m.safetensors") && e.getMessage().contains("warp"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageTransform.fromJson("{\"type\":\"pad\"}", "m.safetensors"));
        assertTrue(e.getMessage().contains("inner"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageTransform.fromJson("not json", "m.safetensors"));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageTransform.pad(40).preprocess(32));
        assertTrue(e.getMessage().contains("40") && e.getMessage().contains("32"), e.getMessage());
    }

    @Test void a28PixelGreyImageIsCentredUnchangedOnBlack() {
        byte[] px = new byte[28 * 28];
        new Random(3).nextBytes(px);
        DecodedImage im = DecodedImage.of8(ImageMode.L, 28, 28, px);
        float[] out = ImageTransform.pad(28).preprocess(32).preprocess(im);
        assertEquals(3 * 32 * 32, out.length);
        for (int c = 0; c < 3; c++) {
            float black = (0f - ClipPreprocess.MEAN[c]) / ClipPreprocess.STD[c];
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                    int v = inside ? px[(y - 2) * 28 + x - 2] & 255 : 0;
                    float want = (v / 255f - ClipPreprocess.MEAN[c]) / ClipPreprocess.STD[c];
                    assertEquals(inside ? want : black, out[c * 1024 + y * 32 + x], 0f, "channel " + c + " at " + x + "," + y);
                }
            }
        }
    }

    @Test void paddedEqualsClipAtTheInnerSizePlacedInTheMiddle() {
        ClipPreprocess inner = new ClipPreprocess(24), padded = ImageTransform.pad(24).preprocess(31);
        assertEquals(24, padded.innerSize());
        byte[] small = inner.resizedCroppedRgb(inner.decoder().decode(preprocess().resolve("rgb_73x64.png")));
        byte[] big = padded.resizedCroppedRgb(padded.decoder().decode(preprocess().resolve("rgb_73x64.png")));
        int off = (31 - 24) / 2;
        for (int y = 0; y < 31; y++) {
            for (int x = 0; x < 31; x++) {
                for (int c = 0; c < 3; c++) {
                    boolean inside = y >= off && y < off + 24 && x >= off && x < off + 24;
                    byte want = inside ? small[((y - off) * 24 + x - off) * 3 + c] : 0;
                    assertEquals(want, big[(y * 31 + x) * 3 + c], "at " + x + "," + y);
                }
            }
        }
        assertArrayEquals(new ClipPreprocess(32).preprocess(DecodedImage.of8(ImageMode.L, 32, 32, new byte[1024])),
                ImageTransform.clip().preprocess(32).preprocess(DecodedImage.of8(ImageMode.L, 32, 32, new byte[1024])));
    }
}
