package dev.jclip.train;

import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** open_clip's lock groups, from the declared names alone (nothing is allocated). */
class TowerLockTest {
    static final ClipArchitecture VIT = ClipArchitecture.vit(16, 16, 3, 64, 8, 24, 300, 32, 2, 2);

    private static Set<String> names(ClipArchitecture a) {
        try (ClipModel m = new ClipModel(a)) { return m.store().shapes().keySet(); }
    }

    @Test void vitGroupsFollowOpenClip() {
        Set<String> all = names(VIT);
        Set<String> image = TowerLock.image(0).frozen(VIT, all);
        for (String n : all) assertEquals(n.startsWith("visual."), image.contains(n), n);
        assertEquals(5, TowerLock.imageGroups(VIT), "stem, blocks 0 and 1, [block 2 + ln_post], proj");
        Set<String> one = TowerLock.image(1).frozen(VIT, all);
        assertFalse(one.contains("visual.proj"));
        assertTrue(one.contains("visual.ln_post.weight") && one.contains("visual.transformer.resblocks.2.attn.in_proj_weight"));
        Set<String> two = TowerLock.image(2).frozen(VIT, all);
        assertFalse(two.contains("visual.ln_post.weight") || two.contains("visual.transformer.resblocks.2.attn.in_proj_weight"));
        assertTrue(two.contains("visual.transformer.resblocks.1.attn.in_proj_weight") && two.contains("visual.conv1.weight"));
        Set<String> text = new TowerLock(false, 0, true, 1).frozen(VIT, all);
        assertTrue(text.contains("token_embedding.weight") && text.contains("ln_final.weight") && !text.contains("text_projection"));
        assertFalse(text.contains("logit_scale") || text.stream().anyMatch(n -> n.startsWith("visual.")));
        var e = assertThrows(IllegalArgumentException.class, () -> TowerLock.image(5).frozen(VIT, all));
        assertTrue(e.getMessage().contains("--lock-image-unlocked-groups 5: the image tower has only 5 groups"), e.getMessage());
    }

    @Test void resnetGroupsAreStemStagesAndAttentionPool() {
        ClipArchitecture rn = ClipArchitecture.released("RN50");
        Set<String> all = names(rn);
        assertEquals(6, TowerLock.imageGroups(rn));
        Set<String> f = TowerLock.image(2).frozen(rn, all);
        assertTrue(f.contains("visual.conv1.weight") && f.contains("visual.layer3.0.conv1.weight"));
        assertFalse(f.contains("visual.layer4.0.conv1.weight") || f.contains("visual.attnpool.c_proj.weight"));
        assertTrue(TowerLock.image(0).freezesImageStatistics() && !TowerLock.image(1).freezesImageStatistics());
    }

    /** On a ResNet (BatchNorm): a wholly locked image tower keeps the model in eval mode, frozen tensors never require gradients. */
    @Test void lockedTowersOverAResNetCheckpoint() {
        java.nio.file.Path ckpt = java.nio.file.Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("models/resnet_b/model.safetensors");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(ckpt), "fixture " + ckpt);
        try (ClipModel m = ClipModel.fromCheckpoint(ckpt)) {
            LockedTowers img = new LockedTowers(m, TowerLock.image(0));
            img.requiresGrad(true).train(true);
            assertFalse(m.isTraining(), "BatchNorm statistics of a locked tower must not move");
            for (var e : m.stateDict().entrySet()) {
                if (m.store().entry(e.getKey()).isBuffer()) continue;
                assertEquals(!e.getKey().startsWith("visual."), e.getValue().requiresGrad(), e.getKey());
                assertEquals(!e.getKey().startsWith("visual."), img.namedParameters().containsKey(e.getKey()), e.getKey());
            }
            LockedTowers text = new LockedTowers(m, new TowerLock(false, 0, true, 0));
            text.requiresGrad(true).train(true);
            assertTrue(m.isTraining(), "a locked text tower leaves BatchNorm training");
            assertTrue(text.namedParameters().containsKey("visual.conv1.weight") && !text.namedParameters().containsKey("token_embedding.weight"));
        }
    }
}
