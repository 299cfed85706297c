package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The hyper-parameters of a CLIP model: the arguments of the reference constructor
 * {@code clip.model.CLIP(...)} plus the activation choice. {@code visionPatchSize == null} means a
 * {@link ModifiedResNet} image tower ({@code visionLayers} = blocks per stage), otherwise a
 * {@link VisionTransformer} ({@code visionLayers} = one number, the depth).
 *
 * <pre>{@code
 * ClipArchitecture a = ClipArchitecture.released("ViT-B/32");
 * long n = a.parameterCount();                       // 151,277,313
 * ClipArchitecture b = ClipArchitecture.inferFrom(shapes); // like build_model
 * }</pre>
 *
 * @param embedDim          width of the joint embedding space
 * @param imageResolution   input image side in pixels
 * @param visionLayers      ViT depth ({@code [depth]}) or ResNet blocks per stage (4 numbers)
 * @param visionWidth       ViT width, or the ResNet base width (stage 1 planes)
 * @param visionPatchSize   ViT patch size; null for a ResNet
 * @param contextLength     text context length (positional embedding rows)
 * @param vocabSize         token embedding rows
 * @param transformerWidth  text transformer width
 * @param transformerHeads  text transformer heads
 * @param transformerLayers text transformer depth
 * @param quickGelu         QuickGELU ({@code x * sigmoid(1.702 x)}, OpenAI) or exact GELU in the MLPs
 */
public record ClipArchitecture(int embedDim, int imageResolution, int[] visionLayers, int visionWidth,
                               Integer visionPatchSize, int contextLength, int vocabSize, int transformerWidth,
                               int transformerHeads, int transformerLayers, boolean quickGelu) {

    /** Names of the released OpenAI architectures, each a resource {@code configs/<name>.json} (with '/' as '-'). */
    public static final List<String> RELEASED = List.of("RN50", "RN101", "RN50x4", "RN50x16", "RN50x64",
            "ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px");

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClipArchitecture {
        visionLayers = visionLayers.clone();
        require(embedDim > 0, "embed_dim must be positive, got " + embedDim);
        require(imageResolution > 0, "image_resolution must be positive, got " + imageResolution);
        require(contextLength > 0 && vocabSize > 0, "context_length and vocab_size must be positive");
        require(transformerLayers >= 0, "transformer_layers must be >= 0");
        require(transformerHeads > 0 && transformerWidth % transformerHeads == 0,
                "transformer_width " + transformerWidth + " is not divisible into " + transformerHeads + " heads");
        if (visionPatchSize == null) {
            require(visionLayers.length == 4, "a ResNet needs 4 stage depths, got " + Arrays.toString(visionLayers));
            require(visionWidth >= 2, "ResNet vision_width must be >= 2, got " + visionWidth);
            require(imageResolution % 32 == 0, "ResNet image_resolution must be a multiple of 32, got " + imageResolution);
        } else {
            require(visionLayers.length == 1, "a ViT has one depth, got " + Arrays.toString(visionLayers));
            require(visionPatchSize > 0 && imageResolution % visionPatchSize == 0,
                    "image_resolution " + imageResolution + " is not a multiple of patch size " + visionPatchSize);
            require(visionWidth >= 64, "ViT vision_width must be >= 64 (heads = width / 64), got " + visionWidth);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid CLIP architecture: " + message);
    }

    /** A ViT architecture with OpenAI's QuickGELU. */
    public static ClipArchitecture vit(int embedDim, int imageResolution, int layers, int width, int patchSize,
                                       int contextLength, int vocabSize, int textWidth, int textHeads, int textLayers) {
        return new ClipArchitecture(embedDim, imageResolution, new int[]{layers}, width, patchSize, contextLength,
                vocabSize, textWidth, textHeads, textLayers, true);
    }

    /** A ModifiedResNet architecture with OpenAI's QuickGELU. */
    public static ClipArchitecture resnet(int embedDim, int imageResolution, int[] layers, int width,
                                          int contextLength, int vocabSize, int textWidth, int textHeads, int textLayers) {
        return new ClipArchitecture(embedDim, imageResolution, layers, width, null, contextLength,
                vocabSize, textWidth, textHeads, textLayers, true);
    }

    public boolean isVit() { return visionPatchSize != null; }

    /** Heads of the image tower, as the reference constructor computes them. */
    public int visionHeads() { return isVit() ? visionWidth / 64 : visionWidth * 32 / 64; }

    /** ViT patch grid side, or the ResNet attention-pool grid side ({@code resolution / 32}). */
    public int gridSize() { return isVit() ? imageResolution / visionPatchSize : imageResolution / 32; }

    /** The same architecture with exact GELU ({@code false}) or QuickGELU ({@code true}). */
    public ClipArchitecture withQuickGelu(boolean on) {
        return new ClipArchitecture(embedDim, imageResolution, visionLayers, visionWidth, visionPatchSize, contextLength,
                vocabSize, transformerWidth, transformerHeads, transformerLayers, on);
    }

    // ---- build_model ----

    /**
     * Infers the architecture from a state dict's names and shapes exactly as the reference
     * {@code clip.model.build_model} does (so heads are {@code width / 64}); QuickGELU is assumed.
     *
     * @throws IllegalArgumentException naming the missing key or inconsistent shape
     */
    public static ClipArchitecture inferFrom(Map<String, long[]> shapes) {
        boolean vit = shapes.containsKey("visual.proj");
        int visionWidth;
        int[] visionLayers;
        Integer patch;
        int resolution;
        if (vit) {
            long[] conv1 = shape(shapes, "visual.conv1.weight", 4);
            visionWidth = (int) conv1[0];
            visionLayers = new int[]{(int) shapes.keySet().stream()
                    .filter(k -> k.startsWith("visual.") && k.endsWith(".attn.in_proj_weight")).count()};
            patch = (int) conv1[3];
            long rows = shape(shapes, "visual.positional_embedding", 2)[0];
            int grid = (int) Math.rint(Math.sqrt(rows - 1));
            resolution = patch * grid;
        } else {
            visionLayers = new int[4];
            for (int b = 1; b <= 4; b++) {
                String prefix = "visual.layer" + b;
                visionLayers[b - 1] = (int) shapes.keySet().stream().filter(k -> k.startsWith(prefix))
                        .map(k -> segment(k, 2)).distinct().count();
            }
            visionWidth = (int) shape(shapes, "visual.layer1.0.conv1.weight", 4)[0];
            long rows = shape(shapes, "visual.attnpool.positional_embedding", 2)[0];
            int outputWidth = (int) Math.rint(Math.sqrt(rows - 1));
            if ((long) outputWidth * outputWidth + 1 != rows) {
                throw new IllegalArgumentException("visual.attnpool.positional_embedding has " + rows
                        + " rows, not grid^2 + 1 for any grid");
            }
            patch = null;
            resolution = outputWidth * 32;
        }
        int embedDim = (int) shape(shapes, "text_projection", 2)[1];
        int contextLength = (int) shape(shapes, "positional_embedding", 2)[0];
        int vocabSize = (int) shape(shapes, "token_embedding.weight", 2)[0];
        int width = (int) shape(shapes, "ln_final.weight", 1)[0];
        int layers = (int) shapes.keySet().stream().filter(k -> k.startsWith("transformer.resblocks"))
                .map(k -> segment(k, 2)).distinct().count();
        if (width / 64 == 0) {
            throw new IllegalArgumentException("text width " + width + " < 64: build_model would infer 0 heads");
        }
        return new ClipArchitecture(embedDim, resolution, visionLayers, visionWidth, patch, contextLength, vocabSize,
                width, width / 64, layers, true);
    }

    private static long[] shape(Map<String, long[]> shapes, String key, int rank) {
        long[] s = shapes.get(key);
        if (s == null) throw new IllegalArgumentException("not a CLIP state dict: key '" + key + "' is missing");
        if (s.length != rank) {
            throw new IllegalArgumentException("'" + key + "' has shape " + Arrays.toString(s) + ", expected rank " + rank);
        }
        return s;
    }

    /** {@code key.split(".")[i]}, or the empty string when there are fewer segments (Python would raise; we count it). */
    private static String segment(String key, int i) {
        String[] parts = key.split("\\.", -1);
        return i < parts.length ? parts[i] : "";
    }

    // ---- JSON ----

    /** The released architecture {@code name} ("RN50", "ViT-B/32", "ViT-L/14@336px", ...). */
    public static ClipArchitecture released(String name) {
        String file = "configs/" + name.replace('/', '-') + ".json";
        try (InputStream in = ClipArchitecture.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalArgumentException("unknown CLIP architecture '" + name + "' (known: " + RELEASED + ")");
            return fromJson(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reads a JSON file in either format {@link #fromJson(JsonNode)} accepts. */
    public static ClipArchitecture fromJson(Path file) {
        try {
            return fromJson(JSON.readTree(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CLIP config " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses open_clip's layout ({@code embed_dim}, {@code quick_gelu}, {@code vision_cfg}:
     * {@code image_size, layers, width, patch_size}, {@code text_cfg}: {@code context_length,
     * vocab_size, width, heads, layers}) or the flat reference constructor arguments
     * ({@code embed_dim, image_resolution, vision_layers, ...}).
     */
    public static ClipArchitecture fromJson(JsonNode n) {
        if (n.has("vision_cfg")) {
            JsonNode v = n.get("vision_cfg");
            JsonNode t = need(n, "text_cfg");
            return new ClipArchitecture(intField(n, "embed_dim"), intField(v, "image_size"), layers(need(v, "layers")),
                    intField(v, "width"), optInt(v, "patch_size"), intField(t, "context_length"), intField(t, "vocab_size"),
                    intField(t, "width"), intField(t, "heads"), intField(t, "layers"), n.path("quick_gelu").asBoolean(true));
        }
        return new ClipArchitecture(intField(n, "embed_dim"), intField(n, "image_resolution"),
                layers(need(n, "vision_layers")), intField(n, "vision_width"), optInt(n, "vision_patch_size"),
                intField(n, "context_length"), intField(n, "vocab_size"), intField(n, "transformer_width"),
                intField(n, "transformer_heads"), intField(n, "transformer_layers"), n.path("quick_gelu").asBoolean(true));
    }

    /** open_clip-style JSON (what the resources hold). */
    public String toJson() {
        var root = JSON.createObjectNode();
        root.put("embed_dim", embedDim);
        root.put("quick_gelu", quickGelu);
        var v = root.putObject("vision_cfg");
        v.put("image_size", imageResolution);
        if (isVit()) v.put("layers", visionLayers[0]);
        else { var a = v.putArray("layers"); for (int l : visionLayers) a.add(l); }
        v.put("width", visionWidth);
        if (isVit()) v.put("patch_size", visionPatchSize); else v.putNull("patch_size");
        var t = root.putObject("text_cfg");
        t.put("context_length", contextLength);
        t.put("vocab_size", vocabSize);
        t.put("width", transformerWidth);
        t.put("heads", transformerHeads);
        t.put("layers", transformerLayers);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode need(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("CLIP config: field '" + field + "' is missing");
        return v;
    }

    private static int intField(JsonNode n, String field) {
        JsonNode v = need(n, field);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("CLIP config: field '" + field + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static Integer optInt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : intField(n, field);
    }

    private static int[] layers(JsonNode v) {
        if (v.isIntegralNumber()) return new int[]{v.intValue()};
        if (!v.isArray()) throw new IllegalArgumentException("CLIP config: layers must be an integer or a list, got " + v);
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).intValue();
        return out;
    }

    // ---- counting ----

    /**
     * Trainable parameters (buffers such as BatchNorm statistics excluded, {@code logit_scale}
     * included), computed from the formulas of each module; {@link ClipModel#declaredParameterCount}
     * counts the declared tensors instead and must agree.
     */
    public long parameterCount() {
        long w = transformerWidth;
        long text = (long) vocabSize * w + (long) contextLength * w + transformerLayers * blockParams(w)
                + 2 * w + w * embedDim;
        return text + visionParameterCount() + 1;
    }

    /** Parameters of the image tower alone. */
    public long visionParameterCount() {
        long e = embedDim;
        if (isVit()) {
            long w = visionWidth, p = visionPatchSize, g = gridSize();
            return 3 * w * p * p + w + (g * g + 1) * w + 2 * w + visionLayers[0] * blockParams(w) + 2 * w + w * e;
        }
        long w = visionWidth, h = w / 2;
        long n = 3 * h * 9 + 2 * h + h * h * 9 + 2 * h + h * w * 9 + 2 * w; // 3-conv stem with BatchNorms
        long inplanes = w;
        for (int stage = 0; stage < 4; stage++) {
            long planes = w << stage;
            for (int b = 0; b < visionLayers[stage]; b++) {
                boolean strided = stage > 0 && b == 0;
                n += inplanes * planes + 2 * planes + planes * planes * 9 + 2 * planes + planes * 4 * planes + 8 * planes;
                if (strided || inplanes != 4 * planes) n += inplanes * 4 * planes + 8 * planes;
                inplanes = 4 * planes;
            }
        }
        long c = 32 * w, g = gridSize();
        return n + (g * g + 1) * c + 3 * (c * c + c) + c * e + e;
    }

    /** One ResidualAttentionBlock: two LayerNorms, in/out projections, 4x MLP. */
    private static long blockParams(long w) {
        return 12 * w * w + 13 * w;
    }

    // ---- record plumbing for the array field ----

    @Override public int[] visionLayers() { return visionLayers.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof ClipArchitecture a && embedDim == a.embedDim && imageResolution == a.imageResolution
                && Arrays.equals(visionLayers, a.visionLayers) && visionWidth == a.visionWidth
                && java.util.Objects.equals(visionPatchSize, a.visionPatchSize) && contextLength == a.contextLength
                && vocabSize == a.vocabSize && transformerWidth == a.transformerWidth
                && transformerHeads == a.transformerHeads && transformerLayers == a.transformerLayers
                && quickGelu == a.quickGelu;
    }

    @Override public int hashCode() {
        return java.util.Objects.hash(embedDim, imageResolution, Arrays.hashCode(visionLayers), visionWidth,
                visionPatchSize, contextLength, vocabSize, transformerWidth, transformerHeads, transformerLayers, quickGelu);
    }

    @Override public String toString() {
        return "ClipArchitecture[embed_dim=" + embedDim + ", image_resolution=" + imageResolution
                + ", vision_layers=" + (isVit() ? String.valueOf(visionLayers[0]) : Arrays.toString(visionLayers))
                + ", vision_width=" + visionWidth + ", vision_patch_size=" + visionPatchSize
                + ", context_length=" + contextLength + ", vocab_size=" + vocabSize
                + ", transformer_width=" + transformerWidth + ", transformer_heads=" + transformerHeads
                + ", transformer_layers=" + transformerLayers + ", quick_gelu=" + quickGelu + "]";
    }
}
