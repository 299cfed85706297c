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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.");
    private static final Pattern VIT_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_weight$");

    /**
     * The architecture of a state dict with OpenAI names, by openai/CLIP's {@code build_model}
     * rules (heads = width / 64, QuickGELU), checked for consistency (throws
     * {@link IllegalArgumentException} naming the tensor).
     */
    public static ClipArchitecture inferFrom(Map<String, long[]> shapes) {
        boolean vit = shapes.containsKey("visual.proj");
        int visionWidth, imageResolution;
        int[] visionLayers;
        Integer patch;
        if (vit) {
            long[] conv1 = need(shapes, "visual.conv1.weight", 4);
            visionWidth = (int) conv1[0];
            patch = (int) conv1[3];
            if (conv1[2] != conv1[3]) throw bad("visual.conv1.weight", conv1, "a square patch kernel");
            TreeSet<Integer> blocks = indices(shapes, VIT_BLOCK, "visual.");
            visionLayers = new int[]{blocks.size()};
            checkDense(blocks, "visual.transformer.resblocks");
            long[] pos = need(shapes, "visual.positional_embedding", 2);
            int grid = (int) Math.round(Math.sqrt(pos[0] - 1));
            if ((long) grid * grid + 1 != pos[0] || pos[1] != visionWidth)
                throw bad("visual.positional_embedding", pos, "[grid*grid + 1, " + visionWidth + "]");
            imageResolution = patch * grid;
            long[] proj = need(shapes, "visual.proj", 2);
            if (proj[0] != visionWidth) throw bad("visual.proj", proj, "[" + visionWidth + ", embed_dim]");
        } else {
            patch = null;
            visionLayers = new int[4];
            for (int b = 1; b <= 4; b++) {
                TreeSet<Integer> blocks = indices(shapes, Pattern.compile("^visual\\.layer" + b + "\\.(\\d+)\\."), "visual.layer" + b);
                checkDense(blocks, "visual.layer" + b);
                visionLayers[b - 1] = blocks.size();
            }
            visionWidth = (int) need(shapes, "visual.layer1.0.conv1.weight", 4)[0];
            long[] pos = need(shapes, "visual.attnpool.positional_embedding", 2);
            int outputWidth = (int) Math.round(Math.sqrt(pos[0] - 1));
            if ((long) outputWidth * outputWidth + 1 != pos[0])
                throw bad("visual.attnpool.positional_embedding", pos, "output_width^2 + 1 rows");
            imageResolution = outputWidth * 32;
        }
        long[] textProj = need(shapes, "text_projection", 2);
        int embedDim = (int) textProj[1];
        long[] posEmb = need(shapes, "positional_embedding", 2);
        long[] tok = need(shapes, "token_embedding.weight", 2);
        int width = (int) need(shapes, "ln_final.weight", 1)[0];
        if (posEmb[1] != width) throw bad("positional_embedding", posEmb, "[context_length, " + width + "]");
        if (tok[1] != width) throw bad("token_embedding.weight", tok, "[vocab_size, " + width + "]");
        if (textProj[0] != width) throw bad("text_projection", textProj, "[" + width + ", embed_dim]");
        if (vit && need(shapes, "visual.proj", 2)[1] != embedDim)
            throw bad("visual.proj", shapes.get("visual.proj"), "[vision_width, " + embedDim + "] (embed_dim from text_projection)");
        if (width < 64) throw new IllegalArgumentException("transformer width " + width + " < 64: build_model would infer 0 heads");
        TreeSet<Integer> text = indices(shapes, TEXT_BLOCK, "transformer.resblocks");
        checkDense(text, "transformer.resblocks");
        return new ClipArchitecture(embedDim, imageResolution, visionLayers, visionWidth, patch, (int) posEmb[0], (int) tok[0],
                width, width / 64, text.size(), true);
    }

    private static long[] need(Map<String, long[]> shapes, String name, int rank) {
        long[] s = shapes.get(name);
        if (s == null) throw new IllegalArgumentException("cannot infer the CLIP architecture: no tensor '" + name + "'");
        if (s.length != rank) throw bad(name, s, rank + " dimensions");
        return s;
    }

    private static IllegalArgumentException bad(String name, long[] shape, String expected) {
        return new IllegalArgumentException("inconsistent CLIP checkpoint: '" + name + "' has shape " + Arrays.toString(shape)
                + ", expected " + expected);
    }

    private static TreeSet<Integer> indices(Map<String, long[]> shapes, Pattern p, String what) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String k : shapes.keySet()) {
            Matcher m = p.matcher(k);
            if (m.find()) out.add(Integer.parseInt(m.group(1)));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("cannot infer the CLIP architecture: no blocks under '" + what + "'");
        return out;
    }

    private static void checkDense(TreeSet<Integer> idx, String what) {
        if (idx.last() != idx.size() - 1)
            throw new IllegalArgumentException("inconsistent CLIP checkpoint: " + what + " has blocks " + idx + ", not 0.." + (idx.size() - 1));
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

    /** Parses JSON text in either format {@link #fromJson(JsonNode)} accepts. */
    public static ClipArchitecture fromJson(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("CLIP config is not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("CLIP config is not a JSON object");
        return fromJson(n);
    }

    /** Writes {@link #toJson()} to {@code file}. */
    public void write(Path file) {
        try {
            Files.writeString(file, toJson() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A short human-readable description, e.g. {@code ViT: patch 32, 12 layers, width 768, 12 heads, 224px; text: ...}. */
    public String describe() {
        String vision = isVit()
                ? "ViT: patch " + visionPatchSize + ", " + visionLayers[0] + " layers, width " + visionWidth + ", " + visionHeads() + " heads"
                : "ModifiedResNet: blocks " + Arrays.toString(visionLayers) + ", width " + visionWidth + ", " + visionHeads() + " heads";
        return vision + ", " + imageResolution + "px; text: " + transformerLayers + " layers, width " + transformerWidth + ", "
                + transformerHeads + " heads, context " + contextLength + ", vocab " + vocabSize + "; embed_dim " + embedDim
                + (quickGelu ? "" : "; exact GELU");
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
