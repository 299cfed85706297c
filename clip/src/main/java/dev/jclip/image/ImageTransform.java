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
 * @param inner content side before padding; 0 for the plain CLIP transform
 */
public record ImageTransform(int inner) {
    /** The safetensors metadata key jclip's training writes. */
    public static final String METADATA_KEY = "image_transform";
    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageTransform {
        if (inner < 0) throw new IllegalArgumentException("padded content size must be positive, got " + inner);
    }

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
        return padded() ? ClipPreprocess.padded(resolution, inner) : new ClipPreprocess(resolution);
    }

    /** The metadata value: {@code {"type":"clip"}} or {@code {"type":"pad","inner":N}}. */
    public String toJson() {
        return padded() ? "{\"type\":\"pad\",\"inner\":" + inner + "}" : "{\"type\":\"clip\"}";
    }

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
        return switch (type) {
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
    }

    /** The recorded transform in {@code metadata}, or {@link #clip()} when none is recorded. */
    public static ImageTransform fromMetadata(Map<String, String> metadata, String source) {
        String v = metadata == null ? null : metadata.get(METADATA_KEY);
        return v == null ? clip() : fromJson(v, source);
    }
}
