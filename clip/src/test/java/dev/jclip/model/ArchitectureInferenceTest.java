package dev.jclip.model;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ArchitectureInferenceTest {
    /** Shapes of a ViT-B/32 (the released OpenAI model), built from its known dimensions. */
    static Map<String, long[]> vitB32() {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("visual.proj", new long[]{768, 512});
        s.put("visual.conv1.weight", new long[]{768, 3, 32, 32});
        s.put("visual.positional_embedding", new long[]{50, 768});
        for (int i = 0; i < 12; i++) {
            s.put("visual.transformer.resblocks." + i + ".attn.in_proj_weight", new long[]{2304, 768});
            s.put("transformer.resblocks." + i + ".attn.in_proj_weight", new long[]{1536, 512});
        }
        s.put("text_projection", new long[]{512, 512});
        s.put("positional_embedding", new long[]{77, 512});
        s.put("token_embedding.weight", new long[]{49408, 512});
        s.put("ln_final.weight", new long[]{512});
        return s;
    }

    @Test
    void infersViTB32LikeBuildModel() {
        ClipArchitecture c = ClipArchitecture.inferFrom(vitB32());
        assertEquals(new ClipArchitecture(512, 224, new int[]{12}, 768, 32, 77, 49408, 512, 8, 12, true), c);
        assertEquals(ClipArchitecture.released("ViT-B/32"), c);
        assertEquals(12, c.visionHeads());
        assertEquals(c, ClipArchitecture.fromJson(c.toJson()));
    }

    @Test
    void inconsistentShapesAreNamed() {
        Map<String, long[]> s = vitB32();
        s.put("visual.positional_embedding", new long[]{51, 768});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.inferFrom(s)).getMessage()
                .contains("'visual.positional_embedding' has shape [51, 768]"));
        Map<String, long[]> t = vitB32();
        t.remove("ln_final.weight");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.inferFrom(t)).getMessage().contains("no tensor 'ln_final.weight'"));
        Map<String, long[]> u = vitB32();
        u.remove("transformer.resblocks.3.attn.in_proj_weight");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.inferFrom(u)).getMessage().contains("transformer.resblocks has blocks"));
    }

    @Test
    void jsonNeedsEveryField() {
        assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.fromJson("{\"embed_dim\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> new ClipArchitecture(1, 1, new int[]{1, 2}, 1, 4, 1, 1, 64, 1, 1, true));
    }
}
