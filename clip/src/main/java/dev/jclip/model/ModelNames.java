package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * CLIP architectures by name, as open_clip spells them: resources {@code configs/<name>.json}
 * holding open_clip's {@code model_configs} content (so {@code ViT-B-32} uses exact GELU as
 * open_clip builds it), a {@code -quickgelu} suffix for QuickGELU (what OpenAI's weights need),
 * and OpenAI's spellings ({@code ViT-B/32}, {@code RN50}, {@code ViT-L/14@336px} through
 * {@link ClipArchitecture#released}) for OpenAI's releases, which are QuickGELU.
 *
 * <pre>{@code
 * ClipArchitecture h = ModelNames.architecture("ViT-H-14");
 * ClipArchitecture b = ModelNames.architecture("ViT-B/32");   // = ViT-B-32-quickgelu
 * }</pre>
 */
public final class ModelNames {
    /** open_clip names with a resource; each also exists with {@code -quickgelu}. */
    public static final List<String> NAMES = List.of("ViT-B-32", "ViT-B-16", "ViT-L-14", "ViT-L-14-336", "ViT-H-14",
            "ViT-g-14", "ViT-bigG-14", "RN50", "RN101", "RN50x4", "RN50x16", "RN50x64");
    /** OpenAI's spellings (the names {@code clip.load} takes) and the open_clip name of the same model. */
    public static final Map<String, String> OPENAI = Map.of("ViT-B/32", "ViT-B-32-quickgelu", "ViT-B/16", "ViT-B-16-quickgelu",
            "ViT-L/14", "ViT-L-14-quickgelu", "ViT-L/14@336px", "ViT-L-14-336-quickgelu");
    private static final String QUICK = "-quickgelu";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelNames() {}

    /** Whether {@code name} names an architecture. */
    public static boolean isKnown(String name) {
        String n = canonical(name);
        return NAMES.contains(n.endsWith(QUICK) ? n.substring(0, n.length() - QUICK.length()) : n);
    }

    /** open_clip's name for {@code name} (OpenAI's spellings translated; others unchanged). */
    public static String canonical(String name) {
        return OPENAI.getOrDefault(name, name);
    }

    /** open_clip's {@code model_cfg} for {@code name}, as the resource holds it (quick_gelu set for -quickgelu). */
    public static ObjectNode config(String name) {
        String n = canonical(name);
        boolean quick = n.endsWith(QUICK);
        String base = quick ? n.substring(0, n.length() - QUICK.length()) : n;
        if (!NAMES.contains(base)) {
            throw new IllegalArgumentException("unknown model name '" + name + "' (known: " + String.join(", ", NAMES)
                    + ", each also with -quickgelu, and OpenAI's " + String.join(", ", OPENAI.keySet()) + ")");
        }
        String file = "configs/" + base + ".json";
        try (InputStream in = ModelNames.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("resource " + file + " missing from the jclip jar");
            ObjectNode cfg = (ObjectNode) JSON.readTree(in);
            if (quick) cfg.put("quick_gelu", true);
            return cfg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The architecture {@code name} describes (open_clip's semantics: {@code RN50} is exact GELU). */
    static ClipArchitecture architecture(String name) {
        return ArchitectureJson.parse(config(name));
    }

    /** OpenAI's release {@code name} in OpenAI's spelling: always QuickGELU. */
    static ClipArchitecture released(String name) {
        String n = canonical(name);
        return architecture(n.endsWith(QUICK) ? n : n + QUICK);
    }
}
