package dev.jclip.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Map;

/**
 * The image transform a checkpoint was trained with, as recorded in its safetensors metadata
 * under {@value #METADATA_KEY}, so that evaluation and zero-shot feed the model what training fed it:
 * <ul>
 *   <li>{@code {"type":"clip"}}: CLIP's own transform at the model's resolution (resize, centre
 *       crop, normalise; {@link ClipPreprocess}). The default when nothing is recorded, which is
 *       right for the released checkpoints;</li>
 *   <li>{@code {"type":"pad","inner":28}}: the same transform at {@code inner} pixels, then centred on
 *       black at the model's resolution ({@link ClipPreprocess#padded}); Fashion-MNIST's 28 px
 *       images in a 32 px model.</li>
 * </ul>
 *
 * <pre>{@code
 * ImageTransform t = ImageTransform.fromMetadata(stateDict.metadata(), file.toString());
 * ClipPreprocess pre = t.preprocess(model.architecture().imageResolution());
 * float[] chw = pre.preprocess(Path.of("shoe.png"));
 * }</pre>
 *
 * <p>The normalisation may differ from CLIP's ({@code "mean"}, {@code "std"}: three numbers each),
 * as a checkpoint's {@code preprocessor_config.json} or open_clip {@code preprocess_cfg} says.
 *
 * @param inner content side before padding; 0 for the plain CLIP transform
 * @param mean  per-channel mean (R, G, B)
 * @param std   per-channel standard deviation
 */
public record ImageTransform(int inner, float[] mean, float[] std) {
    /** The safetensors metadata key jclip's training writes. */
    public static final String METADATA_KEY = "image_transform";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageTransform {
        if (inner < 0) throw new IllegalArgumentException("padded content size must be positive, got " + inner);
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        mean = mean.clone();
        std = std.clone();
    }

    /** CLIP's normalisation. */
    public ImageTransform(int inner) { this(inner, ClipPreprocess.MEAN, ClipPreprocess.STD); }

    /** The same transform with another normalisation. */
    public ImageTransform withNormalization(float[] newMean, float[] newStd) { return new ImageTransform(inner, newMean, newStd); }

    /** Whether the normalisation is CLIP's own. */
    public boolean clipNormalization() {
        return java.util.Arrays.equals(mean, ClipPreprocess.MEAN) && java.util.Arrays.equals(std, ClipPreprocess.STD);
    }

    @Override public float[] mean() { return mean.clone(); }

    @Override public float[] std() { return std.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof ImageTransform t && t.inner == inner && java.util.Arrays.equals(t.mean, mean) && java.util.Arrays.equals(t.std, std);
    }

    @Override public int hashCode() { return inner * 31 + java.util.Arrays.hashCode(mean) * 7 + java.util.Arrays.hashCode(std); }

    /** CLIP's transform at the model's resolution. */
    public static ImageTransform clip() { return new ImageTransform(0); }

    /** CLIP's transform at {@code inner} pixels, centred on black at the model's resolution. */
    public static ImageTransform pad(int inner) {
        if (inner < 1) throw new IllegalArgumentException("padded content size must be positive, got " + inner);
        return new ImageTransform(inner);
    }

    /** Whether this is the padded variant. */
    public boolean padded() { return inner > 0; }

    /** The transform for a model of {@code resolution} pixels; a pad larger than that is an error. */
    public ClipPreprocess preprocess(int resolution) {
        if (inner > resolution) {
            throw new IllegalArgumentException("image transform pads " + inner + " px content, larger than the model's " + resolution + " px");
        }
        return new ClipPreprocess(resolution, padded() ? inner : resolution, ImageDecoder.defaults(), mean, std);
    }

    /** The metadata value: {@code {"type":"clip"}} or {@code {"type":"pad","inner":N}}. */
    public String toJson() {
        String norm = clipNormalization() ? "" : ",\"mean\":" + floats(mean) + ",\"std\":" + floats(std);
        return padded() ? "{\"type\":\"pad\",\"inner\":" + inner + norm + "}" : "{\"type\":\"clip\"" + norm + "}";
    }

    private static String floats(float[] v) { return "[" + v[0] + "," + v[1] + "," + v[2] + "]"; }

    /** Parses a metadata value; {@code source} (a file name) is named in errors. */
    public static ImageTransform fromJson(String json, String source) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": metadata '" + METADATA_KEY + "' is not JSON: " + json, e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(source + ": metadata '" + METADATA_KEY + "' is not a JSON object: " + json);
        String type = n.path("type").asText("");
        ImageTransform base = switch (type) {
            case "clip" -> clip();
            case "pad" -> {
                JsonNode in = n.get("inner");
                if (in == null || !in.canConvertToInt() || in.asInt() < 1) {
                    throw new IllegalArgumentException(source + ": metadata '" + METADATA_KEY + "' " + json + " needs a positive integer 'inner'");
                }
                yield pad(in.asInt());
            }
            default -> throw new IllegalArgumentException(source + ": unknown image transform type '" + type + "' in metadata "
                    + METADATA_KEY + " " + json + " (expected clip or pad)");
        };
        if (!n.has("mean") && !n.has("std")) return base;
        return base.withNormalization(three(n.get("mean"), "mean", source, json), three(n.get("std"), "std", source, json));
    }

    /** Three numbers from a JSON array (a normalisation's mean or std); errors name the source. */
    public static float[] three(JsonNode a, String what, String source, String json) {
        if (a == null || !a.isArray() || a.size() != 3) {
            throw new IllegalArgumentException(source + ": '" + what + "' must be a list of 3 numbers (R, G, B) in " + json);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!a.get(i).isNumber()) throw new IllegalArgumentException(source + ": '" + what + "' holds " + a.get(i) + ", not a number");
            out[i] = a.get(i).floatValue();
        }
        return out;
    }

    /** The recorded transform in {@code metadata}, or {@link #clip()} when none is recorded. */
    public static ImageTransform fromMetadata(Map<String, String> metadata, String source) {
        String v = metadata == null ? null : metadata.get(METADATA_KEY);
        return v == null ? clip() : fromJson(v, source);
    }
}
