package dev.jclip.model;

import dev.jclip.testing.TestSafetensors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parameter counts: the published ones for the released configs, and shape-declared = analytic. */
class ParameterCountTest {
    /** openai/CLIP's published totals ({@code sum(p.numel() for p in model.parameters())}, logit_scale included). */
    static final Map<String, Long> PUBLISHED = new LinkedHashMap<>();
    static {
        PUBLISHED.put("RN50", 102_007_137L);
        PUBLISHED.put("RN101", 119_688_033L);
        PUBLISHED.put("RN50x4", 178_300_601L);
        PUBLISHED.put("RN50x16", 290_979_217L);
        PUBLISHED.put("RN50x64", 623_258_305L);
        PUBLISHED.put("ViT-B/32", 151_277_313L);
        PUBLISHED.put("ViT-B/16", 149_620_737L);
        PUBLISHED.put("ViT-L/14", 427_616_513L);
        PUBLISHED.put("ViT-L/14@336px", 427_944_193L);
    }

    @Test void releasedConfigsMatchThePublishedCounts() {
        assertEquals(ClipArchitecture.RELEASED, PUBLISHED.keySet().stream().toList());
        for (var e : PUBLISHED.entrySet()) {
            ClipArchitecture a = ClipArchitecture.released(e.getKey());
            assertEquals(e.getValue(), a.parameterCount(), e.getKey() + " analytic count");
            assertEquals(e.getValue(), ClipModel.declaredParameterCount(a), e.getKey() + " count of declared shapes");
        }
    }

    @Test void fixtureModelsMatchTheirStateDicts() throws IOException {
        // README: vit_a 170,753 and resnet_b 148,211 parameters
        Map<String, Long> readme = Map.of("vit_a", 170_753L, "resnet_b", 148_211L);
        for (Path dir : Fixtures.modelDirs()) {
            ClipArchitecture a = ClipArchitecture.fromJson(dir.resolve("config.json"));
            long declared = ClipModel.declaredParameterCount(a);
            assertEquals(a.parameterCount(), declared, dir + ": analytic vs declared");
            Long published = readme.get(dir.getFileName().toString());
            if (published != null) assertEquals(published, declared, dir + ": README count");
            // and the same number from the loaded tensors themselves
            var sd = TestSafetensors.read(dir.resolve("model.safetensors"));
            try (ClipModel m = ClipModel.fromStateDict(sd)) {
                long loaded = m.parameters().stream().mapToLong(t -> t.numel()).sum();
                assertEquals(declared, loaded, dir + ": loaded parameters");
            } finally {
                TestSafetensors.closeAll(sd);
            }
        }
    }
}
