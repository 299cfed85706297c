package dev.jclip.model;

import dev.jclip.testing.TestSafetensors;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipArchitectureTest {
    @Test void inferredFromEachFixtureCheckpointEqualsItsConfig() throws IOException {
        for (Path dir : Fixtures.modelDirs()) {
            Map<String, Tensor> sd = TestSafetensors.read(dir.resolve("model.safetensors"));
            try {
                Map<String, long[]> shapes = new LinkedHashMap<>();
                sd.forEach((k, t) -> shapes.put(k, t.shape()));
                ClipArchitecture inferred = ClipArchitecture.inferFrom(shapes);
                assertEquals(ClipArchitecture.fromJson(dir.resolve("config.json")), inferred, dir.toString());
                // the fixtures are single-head (width 64): build_model's width / 64 rule
                assertEquals(1, inferred.transformerHeads());
            } finally {
                TestSafetensors.closeAll(sd);
            }
        }
    }

    @Test void vitAFieldsFollowBuildModel() throws IOException {
        ClipArchitecture a = ClipArchitecture.fromJson(Fixtures.modelDir("vit_a").resolve("config.json"));
        assertTrue(a.isVit());
        assertEquals(4, a.visionPatchSize());
        assertEquals(32, a.imageResolution());
        assertEquals(1, a.visionHeads());
        assertEquals(8, a.gridSize());
        ClipArchitecture r = ClipArchitecture.fromJson(Fixtures.modelDir("resnet_b").resolve("config.json"));
        assertFalse(r.isVit());
        assertNull(r.visionPatchSize());
        assertArrayEquals(new int[]{1, 2, 1, 1}, r.visionLayers());
        assertEquals(2, r.visionHeads());   // 4 * 32 / 64: two heads of 64 in the attention pool
    }

    /** build_model round trip without any tensor: declared shapes of each released model infer it back. */
    @Test void releasedArchitecturesAreInferredBackFromTheirShapes() {
        for (String name : ClipArchitecture.RELEASED) {
            ClipArchitecture a = ClipArchitecture.released(name);
            try (ClipModel m = new ClipModel(a)) {
                assertEquals(a, ClipArchitecture.inferFrom(m.store().shapes()), name);
            }
        }
    }

    @Test void jsonRoundTripInBothLayouts() throws IOException {
        ClipArchitecture a = ClipArchitecture.released("RN50x4");
        assertEquals(a, ClipArchitecture.fromJson(new ObjectMapper().readTree(a.toJson())));
        String flat = """
                {"embed_dim": 640, "image_resolution": 288, "vision_layers": [4, 6, 10, 6], "vision_width": 80,
                 "vision_patch_size": null, "context_length": 77, "vocab_size": 49408, "transformer_width": 640,
                 "transformer_heads": 10, "transformer_layers": 12}""";
        assertEquals(a, ClipArchitecture.fromJson(new ObjectMapper().readTree(flat)));
        assertFalse(a.withQuickGelu(false).quickGelu());
    }

    @Test void clearErrorsForBadInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.released("ViT-H/14"));
        assertTrue(e.getMessage().contains("ViT-H/14"), e.getMessage());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("visual.proj", new long[]{64, 32});
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.inferFrom(shapes));
        assertTrue(e.getMessage().contains("visual.conv1.weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.vit(32, 30, 1, 64, 4, 77, 64, 64, 1, 1));
        assertTrue(e.getMessage().contains("patch size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.fromJson(new ObjectMapper().createObjectNode()));
        assertTrue(e.getMessage().contains("embed_dim"), e.getMessage());
    }
}
