package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * CLIP architectures as JSON in open_clip's {@code model_cfg} layout (the layout of open_clip's
 * {@code model_configs/*.json} and of {@code open_clip_config.json}), plus the flat arguments of
 * openai/CLIP's constructor. open_clip's defaults apply to absent fields ({@code quick_gelu}
 * false, {@code head_width} 64, {@code mlp_ratio} 4, LayerNorm eps 1e-5, no LayerScale). Every
 * field is either honoured, known to be about something else (preprocessing, tokenizer,
 * initialisation), or refused by name when its value asks for something jclip does not build
 * (attentional pooling, timm or HF towers, SigLIP's logit bias, ...).
 *
 * <pre>{@code
 * ClipArchitecture a = ArchitectureJson.parse(modelCfg);   // throws naming e.g. 'vision_cfg.attentional_pool'
 * ObjectNode back = ArchitectureJson.write(a);
 * }</pre>
 */
final class ArchitectureJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Honoured elsewhere or only about training/initialisation: accepted with any value. */
    private static final Set<String> TOP_OTHER = Set.of("custom_text", "init_logit_scale", "output_dict", "cast_dtype",
            "nonscalar_logit_scale");
    private static final Set<String> VISION_OTHER = Set.of("image_mean", "image_std", "interpolation", "resize_mode",
            "fill_color");
    private static final Set<String> TEXT_OTHER = Set.of("hf_tokenizer_name", "tokenizer_kwargs");

    /** Fields whose only supported value is open_clip's default (what OpenAI's CLIP architecture is). */
    private static final Map<String, Object> VISION_DEFAULTS = Map.ofEntries(
            Map.entry("patch_dropout", 0.0), Map.entry("attentional_pool", false), Map.entry("no_ln_pre", false),
            Map.entry("pos_embed_type", "learnable"), Map.entry("final_ln_after_pool", false), Map.entry("pool_type", "tok"),
            Map.entry("output_tokens", false), Map.entry("input_patchnorm", false), Map.entry("global_average_pool", false),
            Map.entry("timm_model_name", NULL.VALUE), Map.entry("act_kwargs", NULL.VALUE), Map.entry("block_type", NULL.VALUE),
            Map.entry("attn_pooler_queries", NULL.ANY), Map.entry("attn_pooler_heads", NULL.ANY),
            Map.entry("timm_model_pretrained", NULL.ANY), Map.entry("timm_pool", NULL.ANY), Map.entry("timm_proj", NULL.ANY),
            Map.entry("timm_proj_bias", NULL.ANY), Map.entry("timm_drop", NULL.ANY), Map.entry("timm_drop_path", NULL.ANY),
            Map.entry("embed_cls", false), Map.entry("proj_bias", false));
    private static final Map<String, Object> TEXT_DEFAULTS = Map.ofEntries(
            Map.entry("hf_model_name", NULL.VALUE), Map.entry("embed_cls", false), Map.entry("pad_id", 0L),
            Map.entry("no_causal_mask", false), Map.entry("final_ln_after_pool", false), Map.entry("pool_type", "argmax"),
            Map.entry("proj_bias", false), Map.entry("proj_type", "linear"), Map.entry("output_tokens", false),
            Map.entry("act_kwargs", NULL.VALUE), Map.entry("block_type", NULL.VALUE), Map.entry("hf_model_pretrained", NULL.ANY),
            Map.entry("hf_proj_type", NULL.ANY), Map.entry("hf_pooler_type", NULL.ANY), Map.entry("proj", NULL.ANY),
            Map.entry("pooler_type", NULL.ANY), Map.entry("attn_mask", true), Map.entry("text_mask", NULL.ANY));

    /** Markers: {@code VALUE} = must be null or absent; {@code ANY} = only meaningful with a field refused elsewhere. */
    private enum NULL { VALUE, ANY }

    private ArchitectureJson() {}

    static ClipArchitecture parse(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("CLIP config is not a JSON object");
        if (n.has("vision_cfg") || n.has("text_cfg")) return parseOpenClip(n);
        return parseFlat(n);
    }

    private static ClipArchitecture parseOpenClip(JsonNode n) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            switch (f) {
                case "embed_dim", "quick_gelu", "vision_cfg", "text_cfg" -> { }
                case "init_logit_bias" -> { if (!n.get(f).isNull()) throw cannot("init_logit_bias", n.get(f), "a SigLIP-style logit bias"); }
                case "multimodal_cfg" -> throw cannot("multimodal_cfg", n.get(f), "a CoCa text decoder");
                default -> { if (!TOP_OTHER.contains(f)) throw unknown(f); }
            }
        }
        int embed = intField(n, "embed_dim", null);
        JsonNode v = need(n, "vision_cfg"), t = need(n, "text_cfg");
        boolean quick = n.path("quick_gelu").asBoolean(false);
        Activation global = quick ? Activation.QUICK_GELU : Activation.GELU;
        check(v, "vision_cfg.", Set.of("layers", "width", "head_width", "mlp_ratio", "patch_size", "image_size",
                "ls_init_value", "norm_kwargs", "act"), VISION_OTHER, VISION_DEFAULTS);
        check(t, "text_cfg.", Set.of("context_length", "vocab_size", "width", "heads", "layers", "mlp_ratio",
                "ls_init_value", "norm_kwargs", "act"), TEXT_OTHER, TEXT_DEFAULTS);

        JsonNode layersNode = v.has("layers") ? v.get("layers") : JSON.getNodeFactory().numberNode(12);
        int[] vLayers = layers(layersNode, "vision_cfg.layers");
        boolean resnet = layersNode.isArray();
        int vWidth = intField(v, "width", 768, "vision_cfg.");
        int headWidth = intField(v, "head_width", 64, "vision_cfg.");
        int res = imageSize(v.get("image_size"));
        Integer patch = resnet ? null : intField(v, "patch_size", 16, "vision_cfg.");
        if (resnet && v.hasNonNull("patch_size")) throw new IllegalArgumentException("CLIP config: 'vision_cfg.patch_size' must be null for a ModifiedResNet (layers is a list)");
        int vHeads = resnet ? vWidth * 32 / headWidth : vWidth / headWidth;
        if (!resnet && vWidth % headWidth != 0)
            throw new IllegalArgumentException("CLIP config: 'vision_cfg.width' " + vWidth + " is not a multiple of 'vision_cfg.head_width' " + headWidth);
        TowerOptions vo = new TowerOptions(activation(v, "vision_cfg.", global), Math.max(1, vHeads),
                resnet ? 0 : mlp(v, vWidth, "vision_cfg."), eps(v, "vision_cfg."), lsInit(v, "vision_cfg."));

        int tWidth = intField(t, "width", 512, "text_cfg.");
        int tHeads = intField(t, "heads", 8, "text_cfg.");
        TowerOptions to = new TowerOptions(activation(t, "text_cfg.", global), tHeads, mlp(t, tWidth, "text_cfg."),
                eps(t, "text_cfg."), lsInit(t, "text_cfg."));
        return new ClipArchitecture(embed, res, vLayers, vWidth, patch, intField(t, "context_length", 77, "text_cfg."),
                intField(t, "vocab_size", 49408, "text_cfg."), tWidth, tHeads, intField(t, "layers", 12, "text_cfg."), vo, to);
    }

    private static ClipArchitecture parseFlat(JsonNode n) {
        return new ClipArchitecture(intField(n, "embed_dim", null), intField(n, "image_resolution", null),
                layers(need(n, "vision_layers"), "vision_layers"), intField(n, "vision_width", null),
                n.hasNonNull("vision_patch_size") ? intField(n, "vision_patch_size", null) : null,
                intField(n, "context_length", null), intField(n, "vocab_size", null), intField(n, "transformer_width", null),
                intField(n, "transformer_heads", null), intField(n, "transformer_layers", null), n.path("quick_gelu").asBoolean(true));
    }

    /** open_clip's {@code model_cfg} layout; options written only where they differ from open_clip's defaults. */
    static ObjectNode write(ClipArchitecture a) {
        ObjectNode root = JSON.createObjectNode();
        root.put("embed_dim", a.embedDim());
        TowerOptions vo = a.vision(), to = a.text();
        Activation global = to.activation() == Activation.GELU_TANH ? Activation.GELU : to.activation();
        root.put("quick_gelu", global == Activation.QUICK_GELU);
        ObjectNode v = root.putObject("vision_cfg");
        v.put("image_size", a.imageResolution());
        if (a.isVit()) v.put("layers", a.visionLayers()[0]);
        else { var arr = v.putArray("layers"); for (int l : a.visionLayers()) arr.add(l); }
        v.put("width", a.visionWidth());
        if (a.isVit()) v.put("patch_size", a.visionPatchSize()); else v.putNull("patch_size");
        int headWidth = a.isVit() ? a.visionWidth() / vo.heads() : a.visionWidth() * 32 / vo.heads();
        if (headWidth != 64) v.put("head_width", headWidth);
        if (a.isVit()) {
            writeOptions(v, vo, a.visionWidth(), global);
        }
        ObjectNode t = root.putObject("text_cfg");
        t.put("context_length", a.contextLength());
        t.put("vocab_size", a.vocabSize());
        t.put("width", a.transformerWidth());
        t.put("heads", a.transformerHeads());
        t.put("layers", a.transformerLayers());
        writeOptions(t, to, a.transformerWidth(), global);
        return root;
    }

    private static void writeOptions(ObjectNode cfg, TowerOptions o, int width, Activation global) {
        if (o.mlpWidth() != 4 * width) cfg.put("mlp_ratio", mlpRatio(o.mlpWidth(), width));
        if (o.layerScale()) cfg.put("ls_init_value", o.layerScaleInit());
        if (o.layerNormEps() != TowerOptions.DEFAULT_EPS) cfg.putObject("norm_kwargs").put("eps", o.layerNormEps());
        if (o.activation() != global) cfg.put("act", o.activation().hfName());
    }

    /** A ratio r with {@code int(width * r) == mlp} (open_clip's rounding), as short as possible. */
    static double mlpRatio(int mlp, int width) {
        for (int digits = 1; digits <= 12; digits++) {
            double scale = Math.pow(10, digits);
            double r = Math.ceil((double) mlp / width * scale) / scale;
            if ((int) (width * r) == mlp) return r;
        }
        double r = (double) mlp / width;
        while ((int) (width * r) < mlp) r = Math.nextUp(r);
        return r;
    }

    private static void check(JsonNode cfg, String prefix, Set<String> honoured, Set<String> other, Map<String, Object> defaults) {
        if (!cfg.isObject()) throw new IllegalArgumentException("CLIP config: '" + prefix.substring(0, prefix.length() - 1) + "' must be an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            JsonNode val = e.getValue();
            if (honoured.contains(f) || other.contains(f)) continue;
            if (!defaults.containsKey(f)) throw unknown(prefix + f);
            Object def = defaults.get(f);
            if (def == NULL.ANY) continue;
            boolean ok = switch (def) {
                case NULL x -> val.isNull();
                case Boolean b -> val.isNull() || (val.isBoolean() && val.booleanValue() == b);
                case Double d -> val.isNull() || (val.isNumber() && val.doubleValue() == d);
                case Long l -> val.isNull() || (val.isIntegralNumber() && val.longValue() == l);
                case String s -> val.isNull() || (val.isTextual() && val.textValue().equals(s));
                default -> false;
            };
            if (!ok) throw cannot(prefix + f, val, "a tower jclip does not build (only " + (def instanceof NULL ? "null" : def) + " is supported)");
        }
    }

    private static Activation activation(JsonNode cfg, String prefix, Activation global) {
        JsonNode a = cfg.get("act");
        if (a == null || a.isNull()) return global;
        Activation act = a.isTextual() ? Activation.fromHuggingFace(a.textValue()) : null;
        if (act == null) throw cannot(prefix + "act", a, "an activation jclip lacks (quick_gelu, gelu, gelu_pytorch_tanh)");
        return act;
    }

    private static int mlp(JsonNode cfg, int width, String prefix) {
        JsonNode r = cfg.get("mlp_ratio");
        if (r == null || r.isNull()) return 4 * width;
        if (!r.isNumber() || !(r.doubleValue() > 0)) throw new IllegalArgumentException("CLIP config: '" + prefix + "mlp_ratio' must be a positive number, got " + r);
        return (int) (width * r.doubleValue()); // open_clip: int(width * mlp_ratio)
    }

    private static double eps(JsonNode cfg, String prefix) {
        JsonNode nk = cfg.get("norm_kwargs");
        if (nk == null || nk.isNull()) return TowerOptions.DEFAULT_EPS;
        for (Iterator<String> it = nk.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("eps")) throw cannot(prefix + "norm_kwargs." + f, nk.get(f), "a LayerNorm option jclip lacks");
        }
        JsonNode e = nk.get("eps");
        if (e == null) return TowerOptions.DEFAULT_EPS;
        if (!e.isNumber()) throw new IllegalArgumentException("CLIP config: '" + prefix + "norm_kwargs.eps' must be a number, got " + e);
        return e.doubleValue();
    }

    private static double lsInit(JsonNode cfg, String prefix) {
        JsonNode e = cfg.get("ls_init_value");
        if (e == null || e.isNull()) return 0;
        if (!e.isNumber() || e.doubleValue() == 0) throw new IllegalArgumentException("CLIP config: '" + prefix + "ls_init_value' must be a non-zero number or null, got " + e);
        return e.doubleValue();
    }

    private static int imageSize(JsonNode s) {
        if (s == null || s.isNull()) return 224;
        if (s.isArray()) {
            if (s.size() != 2 || s.get(0).asInt() != s.get(1).asInt() || !s.get(0).isIntegralNumber())
                throw cannot("vision_cfg.image_size", s, "non-square images");
            return s.get(0).asInt();
        }
        if (!s.isIntegralNumber()) throw new IllegalArgumentException("CLIP config: 'vision_cfg.image_size' must be an integer, got " + s);
        return s.asInt();
    }

    private static IllegalArgumentException unknown(String field) {
        return new IllegalArgumentException("CLIP config: unknown field '" + field + "' (jclip does not know what it asks for, so it does not guess)");
    }

    private static IllegalArgumentException cannot(String field, JsonNode value, String what) {
        return new IllegalArgumentException("CLIP config: '" + field + "' = " + value + " asks for " + what + ", which jclip does not support");
    }

    private static JsonNode need(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("CLIP config: field '" + field + "' is missing");
        return v;
    }

    private static int intField(JsonNode n, String field, Integer def) { return intField(n, field, def, ""); }

    private static int intField(JsonNode n, String field, Integer def, String prefix) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (def == null) throw new IllegalArgumentException("CLIP config: field '" + prefix + field + "' is missing");
            return def;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("CLIP config: field '" + prefix + field + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static int[] layers(JsonNode v, String field) {
        if (v.isIntegralNumber()) return new int[]{v.intValue()};
        if (!v.isArray()) throw new IllegalArgumentException("CLIP config: '" + field + "' must be an integer or a list, got " + v);
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isIntegralNumber()) throw new IllegalArgumentException("CLIP config: '" + field + "' holds " + v.get(i) + ", not an integer");
            out[i] = v.get(i).intValue();
        }
        return out;
    }
}
