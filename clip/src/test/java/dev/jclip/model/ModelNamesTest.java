package dev.jclip.model;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Architectures by open_clip name: parameter counts equal open_clip's published profile
 * ({@code docs/model_profile.csv}: total, image and text, in millions to 2 decimals), computed
 * analytically and from the declared shapes, without allocating a single weight.
 */
class ModelNamesTest {
    /** open_clip's model_profile.csv: mparams, image_mparams, text_mparams. */
    static final Map<String, double[]> PROFILE = new LinkedHashMap<>();
    static {
        PROFILE.put("ViT-B-32", new double[]{151.28, 87.85, 63.43});
        PROFILE.put("ViT-B-32-quickgelu", new double[]{151.28, 87.85, 63.43});
        PROFILE.put("ViT-B-16", new double[]{149.62, 86.19, 63.43});
        PROFILE.put("ViT-L-14", new double[]{427.62, 303.97, 123.65});
        PROFILE.put("ViT-L-14-336", new double[]{427.94, 304.29, 123.65});
        PROFILE.put("ViT-H-14", new double[]{986.11, 632.08, 354.03});
        PROFILE.put("ViT-g-14", new double[]{1366.68, 1012.65, 354.03});
        PROFILE.put("ViT-bigG-14", new double[]{2539.57, 1844.91, 694.66});
        PROFILE.put("RN50", new double[]{102.01, 38.32, 63.69});
        PROFILE.put("RN50-quickgelu", new double[]{102.01, 38.32, 63.69});
        PROFILE.put("RN101", new double[]{119.69, 56.26, 63.43});
        PROFILE.put("RN50x4", new double[]{178.3, 87.14, 91.16});
        PROFILE.put("RN50x16", new double[]{290.98, 167.33, 123.65});
        PROFILE.put("RN50x64", new double[]{623.26, 420.38, 202.88});
    }

    static double millions(long n) { return Math.round(n / 1e4) / 100.0; }

    @Test void countsEqualOpenClipsProfile() {
        for (Map.Entry<String, double[]> e : PROFILE.entrySet()) {
            ClipArchitecture a = ClipArchitecture.named(e.getKey());
            String n = e.getKey();
            assertEquals(e.getValue()[0], millions(a.parameterCount()), n + " total");
            assertEquals(e.getValue()[1], millions(a.visionParameterCount()), n + " image tower");
            assertEquals(e.getValue()[2], millions(a.textParameterCount()), n + " text tower");
            assertEquals(a.parameterCount(), ClipModel.declaredParameterCount(a), n + ": declared shapes = formula");
        }
    }

    @Test void optionsFollowOpenClipsConfigs() {
        ClipArchitecture h = ClipArchitecture.named("ViT-H-14");
        assertEquals(16, h.visionHeads(), "head_width 80: 1280 / 80");
        assertEquals(Activation.GELU, h.vision().activation());
        assertEquals(Activation.GELU, h.text().activation());
        ClipArchitecture g = ClipArchitecture.named("ViT-g-14");
        assertEquals(16, g.visionHeads());
        assertEquals(6144, g.vision().mlpWidth(), "int(1408 * 4.3637)");
        ClipArchitecture big = ClipArchitecture.named("ViT-bigG-14");
        assertEquals(8192, big.vision().mlpWidth(), "int(1664 * 4.9231)");
        assertEquals(20, big.transformerHeads());
        assertTrue(ClipArchitecture.named("ViT-B-32-quickgelu").quickGelu());
        assertFalse(ClipArchitecture.named("ViT-B-32").quickGelu(), "open_clip's ViT-B-32 is exact GELU");
        assertFalse(ClipArchitecture.named("RN50").quickGelu(), "open_clip's RN50 is exact GELU (its text tower)");
        for (String openai : List.of("ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px")) {
            assertEquals(ClipArchitecture.released(openai), ClipArchitecture.named(openai), openai);
            assertTrue(ClipArchitecture.named(openai).quickGelu(), openai + " is OpenAI's: QuickGELU");
        }
        assertTrue(ClipArchitecture.released("RN50").quickGelu(), "released(RN50) are OpenAI's weights");
    }

    @Test void jsonRoundTripKeepsEveryOption() {
        for (String n : PROFILE.keySet()) {
            ClipArchitecture a = ClipArchitecture.named(n);
            assertEquals(a, ClipArchitecture.fromJson(a.toJson()), n);
        }
        ClipArchitecture odd = ClipArchitecture.named("ViT-B-16").withTowers(
                new TowerOptions(Activation.GELU_TANH, 6, 2000, 1e-6, 0.1), new TowerOptions(Activation.QUICK_GELU, 4, 1000, 1e-5, 0));
        assertEquals(odd, ClipArchitecture.fromJson(odd.toJson()));
    }

    @Test void unknownNamesAndUnsupportedFieldsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.named("ViT-Q-99"));
        assertTrue(e.getMessage().contains("ViT-Q-99") && e.getMessage().contains("ViT-B-32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.fromJson(
                "{\"embed_dim\": 512, \"vision_cfg\": {\"attentional_pool\": true}, \"text_cfg\": {}}"));
        assertTrue(e.getMessage().contains("vision_cfg.attentional_pool"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.fromJson(
                "{\"embed_dim\": 512, \"vision_cfg\": {}, \"text_cfg\": {\"hf_model_name\": \"roberta-base\"}}"));
        assertTrue(e.getMessage().contains("text_cfg.hf_model_name"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.fromJson(
                "{\"embed_dim\": 512, \"vision_cfg\": {\"frobnicate\": 1}, \"text_cfg\": {}}"));
        assertTrue(e.getMessage().contains("vision_cfg.frobnicate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClipArchitecture.fromJson(
                "{\"embed_dim\": 512, \"init_logit_bias\": -10, \"vision_cfg\": {}, \"text_cfg\": {}}"));
        assertTrue(e.getMessage().contains("init_logit_bias"), e.getMessage());
    }
}
