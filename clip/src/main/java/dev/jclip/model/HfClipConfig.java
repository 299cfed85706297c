package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * Hugging Face's {@code CLIPConfig} ({@code config.json} of a {@code CLIPModel} folder) as a
 * {@link ClipArchitecture}: {@code projection_dim}, and per tower {@code hidden_size},
 * {@code num_hidden_layers}, {@code num_attention_heads}, {@code intermediate_size},
 * {@code hidden_act}, {@code layer_norm_eps}; vision {@code image_size}, {@code patch_size};
 * text {@code max_position_embeddings}, {@code vocab_size} ({@code text_config_dict} /
 * {@code vision_config_dict} of older configs win, as in transformers). Absent fields take transformers'
 * defaults (those of {@code openai/clip-vit-base-patch32}). Values jclip cannot build (another
 * {@code model_type}, an unknown {@code hidden_act}, {@code num_channels} other than 3, pooling at a
 * token other than the highest id) are errors naming the field.
 *
 * <pre>{@code
 * Map<String, String> from = new LinkedHashMap<>();
 * ClipArchitecture a = HfClipConfig.parse(configJson, "config.json", from);
 * from.get("vision_cfg.heads");   // "config.json: vision_config.num_attention_heads"
 * }</pre>
 */
final class HfClipConfig {
    private HfClipConfig() {}

    /**
     * @param file    the file's name, for messages and provenance
     * @param sources receives, per field of {@link ArchitectureResolver#FIELDS}, where it came from
     */
    static ClipArchitecture parse(JsonNode cfg, String file, Map<String, String> sources) {
        String type = cfg.path("model_type").asText("");
        if (!type.equals("clip")) {
            throw new IllegalArgumentException(file + ": 'model_type' is " + (type.isEmpty() ? "missing" : "'" + type + "'")
                    + "; jclip reads CLIP models ('clip'); SigLIP, Chinese-CLIP, AltCLIP and others are different models");
        }
        JsonNode arch = cfg.get("architectures");
        if (arch != null && arch.isArray()) {
            for (JsonNode a : arch) {
                if (!a.asText().equals("CLIPModel")) {
                    throw new IllegalArgumentException(file + ": 'architectures' names " + a + "; jclip loads CLIPModel (both towers)");
                }
            }
        }
        JsonNode v = merged(cfg, "vision_config"), t = merged(cfg, "text_config");
        int embed = intOr(cfg, "projection_dim", 512, file, "", sources, "embed_dim");
        int vWidth = intOr(v, "hidden_size", 768, file, "vision_config.", sources, "vision_cfg.width");
        int vLayers = intOr(v, "num_hidden_layers", 12, file, "vision_config.", sources, "vision_cfg.layers");
        int vHeads = intOr(v, "num_attention_heads", 12, file, "vision_config.", sources, "vision_cfg.heads");
        int vMlp = intOr(v, "intermediate_size", 3072, file, "vision_config.", sources, "vision_cfg.mlp_width");
        int res = intOr(v, "image_size", 224, file, "vision_config.", sources, "vision_cfg.image_size");
        int patch = intOr(v, "patch_size", 32, file, "vision_config.", sources, "vision_cfg.patch_size");
        int channels = intOr(v, "num_channels", 3, file, "vision_config.", sources, null);
        if (channels != 3) throw new IllegalArgumentException(file + ": 'vision_config.num_channels' is " + channels + "; CLIP takes RGB (3)");
        Activation vAct = act(v, file, "vision_config.", sources, "vision_cfg.act");
        double vEps = eps(v, file, "vision_config.", sources, "vision_cfg.layer_norm_eps");

        int tWidth = intOr(t, "hidden_size", 512, file, "text_config.", sources, "text_cfg.width");
        int tLayers = intOr(t, "num_hidden_layers", 12, file, "text_config.", sources, "text_cfg.layers");
        int tHeads = intOr(t, "num_attention_heads", 8, file, "text_config.", sources, "text_cfg.heads");
        int tMlp = intOr(t, "intermediate_size", 2048, file, "text_config.", sources, "text_cfg.mlp_width");
        int ctx = intOr(t, "max_position_embeddings", 77, file, "text_config.", sources, "text_cfg.context_length");
        int vocab = intOr(t, "vocab_size", 49408, file, "text_config.", sources, "text_cfg.vocab_size");
        Activation tAct = act(t, file, "text_config.", sources, "text_cfg.act");
        double tEps = eps(t, file, "text_config.", sources, "text_cfg.layer_norm_eps");
        JsonNode eos = t.get("eos_token_id");
        // transformers pools at argmax(ids) when eos_token_id == 2 (the legacy configs), else at the
        // first eos_token_id: the same position whenever EOT is the highest id, as in CLIP's vocabulary.
        if (eos != null && eos.isIntegralNumber() && eos.asInt() != 2 && eos.asInt() != vocab - 1) {
            throw new IllegalArgumentException(file + ": 'text_config.eos_token_id' = " + eos + " pools the text at a token that is "
                    + "not the highest id (" + (vocab - 1) + "); jclip pools at the highest id, as CLIP does");
        }
        sources.put("vision_cfg.ls", file + " (CLIPModel has no LayerScale)");
        sources.put("text_cfg.ls", file + " (CLIPModel has no LayerScale)");
        sources.put("vision_cfg.type", file + " (CLIPModel: ViT)");
        try {
            return new ClipArchitecture(embed, res, new int[]{vLayers}, vWidth, patch, ctx, vocab, tWidth, tHeads, tLayers,
                    new TowerOptions(vAct, vHeads, vMlp, vEps, 0), new TowerOptions(tAct, tHeads, tMlp, tEps, 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code vision_config} with older transformers' {@code vision_config_dict} laid over it
     * ({@code CLIPConfig.__init__} lets the {@code _dict} values win; LAION's configs carry both).
     */
    private static JsonNode merged(JsonNode cfg, String tower) {
        JsonNode base = cfg.path(tower), over = cfg.get(tower + "_dict");
        if (over == null || !over.isObject()) return base;
        com.fasterxml.jackson.databind.node.ObjectNode m = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (base.isObject()) base.fields().forEachRemaining(e -> m.set(e.getKey(), e.getValue()));
        over.fields().forEachRemaining(e -> m.set(e.getKey(), e.getValue()));
        return m;
    }

    private static int intOr(JsonNode n, String field, int def, String file, String prefix, Map<String, String> sources, String key) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (key != null) sources.put(key, file + " (" + prefix + field + " absent: transformers' default " + def + ")");
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0)
            throw new IllegalArgumentException(file + ": '" + prefix + field + "' must be a non-negative integer, got " + v);
        if (key != null) sources.put(key, file + " (" + prefix + field + ")");
        return v.asInt();
    }

    private static Activation act(JsonNode n, String file, String prefix, Map<String, String> sources, String key) {
        JsonNode v = n.get("hidden_act");
        if (v == null || v.isNull()) {
            sources.put(key, file + " (" + prefix + "hidden_act absent: transformers' default quick_gelu)");
            return Activation.QUICK_GELU;
        }
        Activation a = v.isTextual() ? Activation.fromHuggingFace(v.textValue()) : null;
        if (a == null) {
            throw new IllegalArgumentException(file + ": '" + prefix + "hidden_act' = " + v
                    + " is an activation jclip does not have (quick_gelu, gelu, gelu_pytorch_tanh, gelu_new)");
        }
        sources.put(key, file + " (" + prefix + "hidden_act)");
        return a;
    }

    private static double eps(JsonNode n, String file, String prefix, Map<String, String> sources, String key) {
        JsonNode v = n.get("layer_norm_eps");
        if (v == null || v.isNull()) {
            sources.put(key, file + " (" + prefix + "layer_norm_eps absent: transformers' default 1e-5)");
            return TowerOptions.DEFAULT_EPS;
        }
        if (!v.isNumber() || !(v.doubleValue() > 0)) throw new IllegalArgumentException(file + ": '" + prefix + "layer_norm_eps' must be a positive number, got " + v);
        sources.put(key, file + " (" + prefix + "layer_norm_eps)");
        return v.doubleValue();
    }
}
