package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.image.ImageTransform;
import dev.jclip.io.CheckpointFiles;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The image transform a checkpoint describes: HF's {@code preprocessor_config.json}, open_clip's
 * {@code preprocess_cfg}, or jclip's metadata {@code image_transform}; CLIP's own otherwise. jclip
 * preprocesses as CLIP does (shorter side to the model's size with Pillow's bicubic, centre crop,
 * normalise); a description asking for anything else (another resample filter, a crop other
 * than the model's size, no normalisation) is an error naming the field, not silently different
 * input.
 *
 * <pre>{@code
 * ImageTransform t = CheckpointPreprocessing.transform(files, 224);
 * }</pre>
 */
final class CheckpointPreprocessing {
    private static final Set<String> HF_IGNORED = Set.of("feature_extractor_type", "image_processor_type", "processor_class",
            "do_convert_rgb", "_valid_processor_keys", "input_data_format", "data_format");

    private CheckpointPreprocessing() {}

    static ImageTransform transform(CheckpointFiles files, int resolution) {
        JsonNode p = files.preprocess();
        if (files.layout() == CheckpointFiles.Layout.OPEN_CLIP_FOLDER) {
            // open_clip: vision_cfg's image_mean/std/interpolation/resize_mode, overridden by preprocess_cfg
            ObjectNode merged = JsonNodeFactory.instance.objectNode();
            JsonNode v = files.config().path("vision_cfg");
            for (String[] f : new String[][]{{"image_mean", "mean"}, {"image_std", "std"}, {"interpolation", "interpolation"},
                    {"resize_mode", "resize_mode"}}) {
                if (v.hasNonNull(f[0])) merged.set(f[1], v.get(f[0]));
            }
            if (p != null) p.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            if (merged.isEmpty()) return ImageTransform.clip();
            return openClip(merged, files.configFile().getFileName() + " (preprocess_cfg, vision_cfg)", resolution);
        }
        if (p == null) return ImageTransform.fromMetadata(files.metadata(), files.path().toString());
        return hf(p, String.valueOf(files.preprocessFile().getFileName()), resolution);
    }

    private static ImageTransform hf(JsonNode p, String src, int resolution) {
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            JsonNode v = e.getValue();
            switch (f) {
                case "do_resize", "do_center_crop", "do_normalize", "do_rescale" -> {
                    if (!v.asBoolean(true)) throw refuse(src, f, v, "skipping a step of CLIP's preprocessing");
                }
                case "resample" -> { if (v.asInt(3) != 3) throw refuse(src, f, v, "a resample filter other than bicubic (3)"); }
                case "rescale_factor" -> { if (Math.abs(v.asDouble() - 1 / 255.0) > 1e-12) throw refuse(src, f, v, "a scale other than 1/255"); }
                case "size" -> {
                    int s = v.isObject() ? (v.has("shortest_edge") ? v.get("shortest_edge").asInt() : -1) : v.asInt(-1);
                    if (s != resolution) throw refuse(src, f, v, "resizing the shorter side to another size than the model's " + resolution + " px");
                }
                case "crop_size" -> {
                    int h = v.isObject() ? v.path("height").asInt(-1) : v.asInt(-1), w = v.isObject() ? v.path("width").asInt(-1) : h;
                    if (h != resolution || w != resolution) throw refuse(src, f, v, "a crop other than the model's " + resolution + " x " + resolution);
                }
                case "image_mean", "image_std" -> { }
                default -> { if (!HF_IGNORED.contains(f)) throw new IllegalArgumentException(src + ": unknown field '" + f + "' (jclip does not guess what it asks for)"); }
            }
        }
        return normalization(p, "image_mean", "image_std", src);
    }

    private static ImageTransform openClip(JsonNode p, String src, int resolution) {
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            JsonNode v = e.getValue();
            switch (f) {
                case "mean", "std", "fill_color" -> { }
                case "interpolation" -> { if (!v.asText("bicubic").equals("bicubic")) throw refuse(src, f, v, "an interpolation other than bicubic"); }
                case "resize_mode" -> { if (!v.asText("shortest").equals("shortest")) throw refuse(src, f, v, "a resize mode other than 'shortest'"); }
                case "size" -> {
                    int s = v.isArray() ? (v.get(0).asInt() == v.get(1).asInt() ? v.get(0).asInt() : -1) : v.asInt(-1);
                    if (s != resolution) throw refuse(src, f, v, "another size than the model's " + resolution + " px");
                }
                default -> throw new IllegalArgumentException(src + ": unknown field '" + f + "' (jclip does not guess what it asks for)");
            }
        }
        return normalization(p, "mean", "std", src);
    }

    private static ImageTransform normalization(JsonNode p, String meanField, String stdField, String src) {
        ImageTransform t = ImageTransform.clip();
        if (!p.hasNonNull(meanField) && !p.hasNonNull(stdField)) return t;
        float[] mean = p.hasNonNull(meanField) ? ImageTransform.three(p.get(meanField), meanField, src, p.toString()) : t.mean();
        float[] std = p.hasNonNull(stdField) ? ImageTransform.three(p.get(stdField), stdField, src, p.toString()) : t.std();
        return t.withNormalization(mean, std);
    }

    private static IllegalArgumentException refuse(String src, String field, JsonNode v, String what) {
        return new IllegalArgumentException(src + ": '" + field + "' = " + v + " asks for " + what + ", which jclip's CLIP preprocessing does not do");
    }
}
