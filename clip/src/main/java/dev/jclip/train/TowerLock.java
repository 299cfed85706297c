package dev.jclip.train;

import dev.jclip.model.ClipArchitecture;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Frozen towers for fine-tuning, as open_clip's {@code --lock-image} / {@code --lock-text}: a
 * locked tower's parameters get no gradient and no optimizer state, so they stay bit for bit what
 * the initial checkpoint holds. A tower is cut into groups in forward order and the last
 * {@code unlocked} groups may stay trainable (open_clip's {@code --lock-image-unlocked-groups} and
 * {@code --lock-text-unlocked-layers}):
 * <ul>
 *   <li>ViT image tower: [conv1, class_embedding, positional_embedding, ln_pre], each residual
 *       block but the last, [last block, ln_post], proj;</li>
 *   <li>ModifiedResNet image tower: [stem convs and BatchNorms], layer1, layer2, layer3, layer4,
 *       attnpool;</li>
 *   <li>text tower: [token_embedding, positional_embedding], each block but the last,
 *       [last block, ln_final], text_projection.</li>
 * </ul>
 * {@code logit_scale} always trains. A fully locked image tower also keeps its BatchNorm
 * statistics (open_clip's {@code --lock-image-freeze-bn-stats}); see {@link #freezesImageStatistics()}.
 *
 * <pre>{@code
 * TowerLock lock = TowerLock.image(0);                     // the whole image tower frozen
 * Set<String> frozen = lock.frozen(model.architecture(), model.stateDict().keySet());
 * }</pre>
 *
 * @param lockImage          freeze the image tower
 * @param imageUnlocked      its last groups left trainable (0 = all frozen)
 * @param lockText           freeze the text tower
 * @param textUnlocked       its last groups left trainable
 */
public record TowerLock(boolean lockImage, int imageUnlocked, boolean lockText, int textUnlocked) {
    /** Nothing frozen. */
    public static final TowerLock NONE = new TowerLock(false, 0, false, 0);

    public TowerLock {
        if (imageUnlocked < 0 || textUnlocked < 0) {
            throw new IllegalArgumentException("unlocked groups must be >= 0, got " + imageUnlocked + " and " + textUnlocked);
        }
        if (!lockImage && imageUnlocked > 0) throw new IllegalArgumentException("--lock-image-unlocked-groups needs --lock-image");
        if (!lockText && textUnlocked > 0) throw new IllegalArgumentException("--lock-text-unlocked-layers needs --lock-text");
    }

    /** The image tower frozen but for its last {@code unlocked} groups. */
    public static TowerLock image(int unlocked) { return new TowerLock(true, unlocked, false, 0); }

    /** Whether anything is frozen. */
    public boolean any() { return lockImage || lockText; }

    /** Whether the image tower is wholly frozen, BatchNorm running statistics included. */
    public boolean freezesImageStatistics() { return lockImage && imageUnlocked == 0; }

    /** Image tower groups of {@code a}. */
    public static int imageGroups(ClipArchitecture a) { return a.isVit() ? a.visionLayers()[0] + 2 : 6; }

    /** Text tower groups of {@code a}. */
    public static int textGroups(ClipArchitecture a) { return a.transformerLayers() + 2; }

    /**
     * The names among {@code names} (state-dict keys of a model of {@code a}) that are frozen.
     *
     * @throws IllegalArgumentException when more groups are left unlocked than the tower has
     */
    public Set<String> frozen(ClipArchitecture a, Collection<String> names) {
        int ig = imageGroups(a), tg = textGroups(a);
        if (lockImage && imageUnlocked >= ig) {
            throw new IllegalArgumentException("--lock-image-unlocked-groups " + imageUnlocked + ": the image tower has only " + ig
                    + " groups (leave fewer unlocked, or drop --lock-image)");
        }
        if (lockText && textUnlocked >= tg) {
            throw new IllegalArgumentException("--lock-text-unlocked-layers " + textUnlocked + ": the text tower has only " + tg
                    + " groups (leave fewer unlocked, or drop --lock-text)");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (n.equals("logit_scale")) continue;
            if (n.startsWith("visual.")) {
                if (lockImage && imageGroup(a, n.substring("visual.".length())) < ig - imageUnlocked) out.add(n);
            } else if (lockText && textGroup(a, n) < tg - textUnlocked) {
                out.add(n);
            }
        }
        return out;
    }

    private static int imageGroup(ClipArchitecture a, String n) {
        if (a.isVit()) {
            int layers = a.visionLayers()[0];
            if (n.startsWith("transformer.resblocks.")) return 1 + blockIndex(n, "transformer.resblocks.");
            if (n.startsWith("ln_post.")) return layers;
            if (n.equals("proj")) return layers + 1;
            return 0; // conv1, class_embedding, positional_embedding, ln_pre
        }
        for (int k = 1; k <= 4; k++) if (n.startsWith("layer" + k + ".")) return k;
        if (n.startsWith("attnpool.")) return 5;
        return 0; // the stem
    }

    private static int textGroup(ClipArchitecture a, String n) {
        if (n.startsWith("transformer.resblocks.")) return 1 + blockIndex(n, "transformer.resblocks.");
        if (n.startsWith("ln_final.")) return a.transformerLayers();
        if (n.equals("text_projection")) return a.transformerLayers() + 1;
        return 0; // token_embedding, positional_embedding
    }

    private static int blockIndex(String n, String prefix) {
        int dot = n.indexOf('.', prefix.length());
        return Integer.parseInt(n.substring(prefix.length(), dot));
    }

    /** For reports: {@code image tower locked (last 2 groups trainable)}, or {@code none}. */
    public String describe() {
        if (!any()) return "none";
        StringBuilder b = new StringBuilder();
        if (lockImage) b.append("image tower").append(imageUnlocked > 0 ? " (but its last " + imageUnlocked + " groups)" : "");
        if (lockText) b.append(lockImage ? ", " : "").append("text tower").append(textUnlocked > 0 ? " (but its last " + textUnlocked + " groups)" : "");
        return b.toString();
    }
}
