package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.io.CheckpointFiles;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decides a checkpoint's architecture from its own description, in this order: its config file
 * (HF {@code config.json}, open_clip's {@code model_cfg}), jclip's recorded metadata
 * ({@code config}), a model name the user gives, and last openai/CLIP's {@code build_model} shape
 * rules. Whatever wins is checked against the tensor shapes (a contradiction is an error naming the
 * field and the tensor), and a user's name that contradicts the checkpoint's own description is an
 * error too. Each field's origin is recorded for {@code clip info}.
 *
 * <pre>{@code
 * try (CheckpointFiles f = CheckpointFiles.open(path)) {
 *     ArchitectureResolver.Resolution r = ArchitectureResolver.resolve(f, null);
 *     r.architecture();                  // what to build
 *     r.sources().get("text_cfg.act");   // "config.json (text_config.hidden_act)"
 * }
 * }</pre>
 */
public final class ArchitectureResolver {
    /** Where the architecture came from, in the order they are tried. */
    public enum Kind { CONFIG, METADATA, NAME, INFERRED }

    /** The fields whose origin is recorded, in open_clip's naming. */
    public static final List<String> FIELDS = List.of("embed_dim", "vision_cfg.type", "vision_cfg.image_size", "vision_cfg.layers",
            "vision_cfg.width", "vision_cfg.patch_size", "vision_cfg.heads", "vision_cfg.mlp_width", "vision_cfg.act",
            "vision_cfg.layer_norm_eps", "vision_cfg.ls", "text_cfg.context_length", "text_cfg.vocab_size", "text_cfg.width",
            "text_cfg.heads", "text_cfg.layers", "text_cfg.mlp_width", "text_cfg.act", "text_cfg.layer_norm_eps", "text_cfg.ls");

    /**
     * @param architecture what to build
     * @param kind         which description won
     * @param origin       one line saying where it came from (what {@code config_source} records)
     * @param sources      per {@link #FIELDS} entry, where its value came from
     * @param note         a line for the user when something was assumed (null otherwise)
     */
    public record Resolution(ClipArchitecture architecture, Kind kind, String origin, Map<String, String> sources, String note) {}

    /** A size both a description and the tensors state, with the tensor that shows it. */
    private record Sized(String field, String hfField, String tensor, Function<ClipArchitecture, Object> get) {}

    private static final List<Sized> SIZES = List.of(
            new Sized("vision_cfg.type", null, "visual.proj / visual.attnpool", a -> a.isVit() ? "ViT" : "ModifiedResNet"),
            new Sized("embed_dim", "projection_dim", "text_projection", ClipArchitecture::embedDim),
            new Sized("vision_cfg.width", "vision_config.hidden_size", "visual.conv1.weight", ClipArchitecture::visionWidth),
            new Sized("vision_cfg.layers", "vision_config.num_hidden_layers", "visual.transformer.resblocks.*",
                    a -> a.isVit() ? a.visionLayers()[0] : Arrays.toString(a.visionLayers())),
            new Sized("vision_cfg.patch_size", "vision_config.patch_size", "visual.conv1.weight", ClipArchitecture::visionPatchSize),
            new Sized("vision_cfg.image_size", "vision_config.image_size", "visual.positional_embedding", ClipArchitecture::imageResolution),
            new Sized("vision_cfg.mlp_width", "vision_config.intermediate_size", "visual.transformer.resblocks.0.mlp.c_fc.weight",
                    a -> a.vision().mlpWidth()),
            new Sized("vision_cfg.ls", null, "visual.transformer.resblocks.0.ls_1.gamma", a -> a.vision().layerScale()),
            new Sized("text_cfg.context_length", "text_config.max_position_embeddings", "positional_embedding", ClipArchitecture::contextLength),
            new Sized("text_cfg.vocab_size", "text_config.vocab_size", "token_embedding.weight", ClipArchitecture::vocabSize),
            new Sized("text_cfg.width", "text_config.hidden_size", "ln_final.weight", ClipArchitecture::transformerWidth),
            new Sized("text_cfg.layers", "text_config.num_hidden_layers", "transformer.resblocks.*", ClipArchitecture::transformerLayers),
            new Sized("text_cfg.mlp_width", "text_config.intermediate_size", "transformer.resblocks.0.mlp.c_fc.weight", a -> a.text().mlpWidth()),
            new Sized("text_cfg.ls", null, "transformer.resblocks.0.ls_1.gamma", a -> a.text().layerScale()));

    /** The origin recorded for an architecture inferred from shapes. */
    public static final String INFERRED_ORIGIN = "inferred from tensor shapes (openai/CLIP build_model's rules: QuickGELU, width/64 heads)";

    private ArchitectureResolver() {}

    /** The architecture of {@code files}; {@code modelName} (null: none) describes a bare weights file. */
    public static Resolution resolve(CheckpointFiles files, String modelName) {
        Map<String, long[]> shapes = files.weights().shapes();
        Map<String, String> sources = new LinkedHashMap<>();
        ClipArchitecture arch;
        Kind kind;
        String label, origin;
        String note = null;
        boolean hf = files.layout() == CheckpointFiles.Layout.HF_FOLDER;
        String recorded = files.metadata().get("config");
        if (files.config() != null) {
            kind = Kind.CONFIG;
            label = String.valueOf(files.configFile().getFileName());
            arch = hf ? HfClipConfig.parse(files.config(), label, sources) : fromOpenClip(files.config(), label + " (model_cfg)", sources);
            origin = "config: " + label + " of " + files.path().getFileName() + " (" + files.layout().label() + ")";
        } else if (recorded != null) {
            kind = Kind.METADATA;
            label = "metadata 'config' of " + files.path().getFileName();
            JsonNode n;
            try {
                n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(recorded);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(label + " is not JSON: " + e.getMessage(), e);
            }
            arch = fromOpenClip(n, label, sources);
            String recordedSources = files.metadata().get("config_source");
            origin = recordedSources != null ? recordedSources : label;
            if (recordedSources != null) sources.replaceAll((k, v) -> "metadata, recorded from " + recordedSources);
            if (recordedSources != null && recordedSources.startsWith("inferred")) {
                note = "the recorded architecture was inferred from tensor shapes when the file was written (QuickGELU, width/64 heads); "
                        + "pass --model NAME to choose otherwise";
            }
        } else if (modelName != null) {
            kind = Kind.NAME;
            label = "--model " + modelName;
            arch = fromOpenClip(ModelNames.config(modelName), "name " + ModelNames.canonical(modelName), sources);
            origin = "name: " + ModelNames.canonical(modelName);
        } else {
            kind = Kind.INFERRED;
            label = "tensor shapes";
            arch = ClipArchitecture.inferFrom(shapes);
            for (String f : FIELDS) sources.put(f, "inferred from tensor shapes");
            for (String f : List.of("vision_cfg.heads", "vision_cfg.act", "vision_cfg.layer_norm_eps", "text_cfg.heads", "text_cfg.act",
                    "text_cfg.layer_norm_eps")) {
                sources.put(f, "assumed (openai/CLIP build_model's rule)");
            }
            String inferredNote = "no config, metadata or --model: built as openai/CLIP's build_model would (QuickGELU, " + arch.visionHeads()
                    + " image and " + arch.transformerHeads() + " text heads of width 64); for open_clip's GELU weights pass --model "
                    + "(e.g. ViT-B-32), or load the folder with its config";
            return new Resolution(arch, kind, INFERRED_ORIGIN, sources, inferredNote);
        }
        checkAgainstShapes(arch, shapes, label, hf);
        if (modelName != null && kind != Kind.NAME && note == null) {
            ClipArchitecture named = ClipArchitecture.named(modelName);
            if (!named.equals(arch)) {
                throw new IllegalArgumentException("--model " + modelName + " contradicts the checkpoint's own description (" + label + "): "
                        + firstDifference(named, arch) + "; leave out --model to use the checkpoint's");
            }
        }
        if (modelName != null && kind == Kind.METADATA && note != null) {
            // the user's name replaces a recorded guess
            ClipArchitecture named = ClipArchitecture.named(modelName);
            checkAgainstShapes(named, shapes, "--model " + modelName, false);
            Map<String, String> ns = new LinkedHashMap<>();
            for (String f : FIELDS) ns.put(f, "name " + ModelNames.canonical(modelName));
            return new Resolution(named, Kind.NAME, "name: " + ModelNames.canonical(modelName), ns, null);
        }
        return new Resolution(arch, kind, origin, sources, note);
    }

    /** open_clip's layout (a model_cfg, jclip's metadata or a named resource), each field's source recorded. */
    private static ClipArchitecture fromOpenClip(JsonNode cfg, String label, Map<String, String> sources) {
        ClipArchitecture a;
        try {
            a = ArchitectureJson.parse(cfg);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
        }
        for (String f : FIELDS) sources.put(f, label);
        return a;
    }

    /** Every size the description states must be what the tensors show. */
    static void checkAgainstShapes(ClipArchitecture a, Map<String, long[]> shapes, String label, boolean hf) {
        ClipArchitecture inferred;
        try {
            inferred = ShapeInference.infer(shapes, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the weights do not form the CLIP model " + label + " describes: " + e.getMessage(), e);
        }
        for (Sized s : SIZES) {
            Object want = s.get.apply(a), got = s.get.apply(inferred);
            if (!Objects.equals(want, got)) {
                String field = hf && s.hfField != null ? s.hfField : s.field;
                long[] shape = shapes.get(s.tensor);
                throw new IllegalArgumentException(label + ": '" + field + "' = " + want + " contradicts the weights: "
                        + s.tensor + (shape != null ? " has shape " + Arrays.toString(shape) : "") + ", i.e. " + got);
            }
        }
    }

    private static String firstDifference(ClipArchitecture named, ClipArchitecture own) {
        for (Sized s : SIZES) {
            if (!Objects.equals(s.get.apply(named), s.get.apply(own)))
                return s.field + " " + s.get.apply(named) + " vs " + s.get.apply(own);
        }
        if (!named.vision().equals(own.vision())) return "image tower " + named.vision() + " vs " + own.vision();
        return "text tower " + named.text() + " vs " + own.text();
    }
}
