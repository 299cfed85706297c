package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hyper-parameters of a CLIP model: the arguments of the reference constructor
 * {@code clip.model.CLIP(...)} plus, per tower, what open_clip and HF configs add
 * ({@link TowerOptions}: activation, heads, MLP width, LayerNorm epsilon, LayerScale).
 * {@code visionPatchSize == null} means a {@link ModifiedResNet} image tower
 * ({@code visionLayers} = blocks per stage), otherwise a {@link VisionTransformer}
 * ({@code visionLayers} = one number, the depth).
 *
 * <pre>{@code
 * ClipArchitecture a = ClipArchitecture.named("ViT-H-14");   // open_clip's config, by name
 * long n = a.parameterCount();                               // 986,109,441, as open_clip
 * ClipArchitecture b = ClipArchitecture.inferFrom(shapes);   // like build_model (QuickGELU, width/64 heads)
 * }</pre>
 *
 * <p>Reading configs (open_clip's {@code model_cfg}, HF's {@code config.json}) and the order in
 * which a checkpoint's descriptions win is {@link ArchitectureResolver}'s job; JSON in open_clip's
 * layout is {@link ArchitectureJson}'s; build_model's shape rules are {@link ShapeInference}'s.
 *
 * @param embedDim          width of the joint embedding space
 * @param imageResolution   input image side in pixels
 * @param visionLayers      ViT depth ({@code [depth]}) or ResNet blocks per stage (4 numbers)
 * @param visionWidth       ViT width, or the ResNet base width (stage 1 planes)
 * @param visionPatchSize   ViT patch size; null for a ResNet
 * @param contextLength     text context length (positional embedding rows)
 * @param vocabSize         token embedding rows
 * @param transformerWidth  text transformer width
 * @param transformerHeads  text transformer heads (equals {@code text.heads()})
 * @param transformerLayers text transformer depth
 * @param vision            image tower options
 * @param text              text tower options
 */
public record ClipArchitecture(int embedDim, int imageResolution, int[] visionLayers, int visionWidth,
                               Integer visionPatchSize, int contextLength, int vocabSize, int transformerWidth,
                               int transformerHeads, int transformerLayers, TowerOptions vision, TowerOptions text) {

    /** Names of OpenAI's nine releases as OpenAI spells them ({@link #released}). */
    public static final List<String> RELEASED = List.of("RN50", "RN101", "RN50x4", "RN50x16", "RN50x64",
            "ViT-B/32", "ViT-B/16", "ViT-L/14", "ViT-L/14@336px");

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClipArchitecture {
        visionLayers = visionLayers.clone();
        require(embedDim > 0, "embed_dim must be positive, got " + embedDim);
        require(imageResolution > 0, "image_resolution must be positive, got " + imageResolution);
        require(contextLength > 0 && vocabSize > 0, "context_length and vocab_size must be positive");
        require(transformerLayers >= 0, "transformer_layers must be >= 0");
        require(vision != null && text != null, "tower options missing");
        require(transformerHeads == text.heads(), "transformer_heads " + transformerHeads + " != text tower heads " + text.heads());
        require(transformerHeads > 0 && transformerWidth % transformerHeads == 0,
                "transformer_width " + transformerWidth + " is not divisible into " + transformerHeads + " heads");
        require(text.mlpWidth() > 0, "text MLP width must be positive, got " + text.mlpWidth());
        if (visionPatchSize == null) {
            require(visionLayers.length == 4, "a ResNet needs 4 stage depths, got " + Arrays.toString(visionLayers));
            require(visionWidth >= 2, "ResNet vision_width must be >= 2, got " + visionWidth);
            require(imageResolution % 32 == 0, "ResNet image_resolution must be a multiple of 32, got " + imageResolution);
            require((visionWidth * 32) % vision.heads() == 0,
                    "the attention pool's width " + visionWidth * 32 + " is not divisible into " + vision.heads() + " heads");
            require(!vision.layerScale(), "LayerScale (ls_init_value) has no meaning for a ModifiedResNet");
        } else {
            require(visionLayers.length == 1, "a ViT has one depth, got " + Arrays.toString(visionLayers));
            require(visionPatchSize > 0 && imageResolution % visionPatchSize == 0,
                    "image_resolution " + imageResolution + " is not a multiple of patch size " + visionPatchSize);
            require(visionWidth % vision.heads() == 0,
                    "vision width " + visionWidth + " is not divisible into " + vision.heads() + " heads");
            require(vision.mlpWidth() > 0, "vision MLP width must be positive, got " + vision.mlpWidth());
        }
    }

    /**
     * The reference constructor's arguments plus one activation for both towers, with
     * {@code build_model}'s other choices (ViT heads = width / 64, 4x MLPs, eps 1e-5).
     */
    public ClipArchitecture(int embedDim, int imageResolution, int[] visionLayers, int visionWidth, Integer visionPatchSize,
                            int contextLength, int vocabSize, int transformerWidth, int transformerHeads,
                            int transformerLayers, boolean quickGelu) {
        this(embedDim, imageResolution, visionLayers, visionWidth, visionPatchSize, contextLength, vocabSize, transformerWidth,
                transformerHeads, transformerLayers, openaiVision(visionPatchSize, visionWidth, quickGelu),
                TowerOptions.openai(Math.max(1, transformerWidth), Math.max(1, transformerHeads), quickGelu));
    }

    private static TowerOptions openaiVision(Integer patch, int width, boolean quickGelu) {
        if (patch != null) require(width >= 64, "ViT vision_width must be >= 64 (heads = width / 64), got " + width);
        return patch == null ? TowerOptions.openaiResNet(width, quickGelu) : TowerOptions.openai(width, quickGelu);
    }

    static void require(boolean ok, String message) {
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

    /** Heads of the image tower (a ResNet: of its attention pool). */
    public int visionHeads() { return vision.heads(); }

    /** Whether every MLP uses QuickGELU (OpenAI's models); a ResNet image tower has no MLP. */
    public boolean quickGelu() {
        return text.activation() == Activation.QUICK_GELU && (!isVit() || vision.activation() == Activation.QUICK_GELU);
    }

    /** ViT patch grid side, or the ResNet attention-pool grid side ({@code resolution / 32}). */
    public int gridSize() { return isVit() ? imageResolution / visionPatchSize : imageResolution / 32; }

    /** The same architecture with exact GELU ({@code false}) or QuickGELU ({@code true}) in both towers. */
    public ClipArchitecture withQuickGelu(boolean on) {
        Activation a = on ? Activation.QUICK_GELU : Activation.GELU;
        return withTowers(vision.withActivation(a), text.withActivation(a));
    }

    /** The same sizes with other tower options ({@code text.heads()} becomes the text heads). */
    public ClipArchitecture withTowers(TowerOptions v, TowerOptions t) {
        return new ClipArchitecture(embedDim, imageResolution, visionLayers, visionWidth, visionPatchSize, contextLength,
                vocabSize, transformerWidth, t.heads(), transformerLayers, v, t);
    }

    // ---- by name, shapes, JSON ----

    /** OpenAI's release {@code name} as OpenAI spells it ("RN50", "ViT-B/32", "ViT-L/14@336px"): QuickGELU. */
    public static ClipArchitecture released(String name) {
        if (!RELEASED.contains(name)) throw new IllegalArgumentException("unknown CLIP architecture '" + name + "' (known: " + RELEASED + ")");
        return ModelNames.released(name);
    }

    /**
     * An architecture by open_clip's name ({@code ViT-B-32}, {@code ViT-B-32-quickgelu},
     * {@code ViT-H-14}, {@code RN50x64}, ...; see {@link ModelNames#NAMES}) or OpenAI's spelling
     * ({@code ViT-B/32}: QuickGELU, as OpenAI's weights need).
     */
    public static ClipArchitecture named(String name) { return ModelNames.architecture(name); }

    /**
     * The architecture of a state dict with OpenAI names by openai/CLIP's {@code build_model} rules
     * (heads = width / 64, QuickGELU; MLP widths and LayerScale as the tensors show), checked for
     * consistency (throws {@link IllegalArgumentException} naming the tensor).
     */
    public static ClipArchitecture inferFrom(Map<String, long[]> shapes) { return ShapeInference.infer(shapes); }

    /** Reads a JSON file in either layout {@link #fromJson(JsonNode)} accepts. */
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
     * Parses open_clip's {@code model_cfg} layout ({@code embed_dim}, {@code quick_gelu} (default
     * false, as in open_clip), {@code vision_cfg}, {@code text_cfg} with their CLIP-family fields)
     * or the flat reference constructor arguments ({@code embed_dim, image_resolution,
     * vision_layers, ...}; QuickGELU unless {@code quick_gelu: false}). A field jclip cannot honour
     * is an error naming it.
     */
    public static ClipArchitecture fromJson(JsonNode n) { return ArchitectureJson.parse(n); }

    /** Parses JSON text in either layout {@link #fromJson(JsonNode)} accepts. */
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

    /** open_clip's {@code model_cfg} layout, every non-default option written ({@link ArchitectureJson}). */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #toJson()} as a tree. */
    public ObjectNode toJsonNode() { return ArchitectureJson.write(this); }

    /** A short human-readable description, e.g. {@code ViT: patch 32, 12 layers, width 768, 12 heads, 224px; text: ...}. */
    public String describe() {
        String vision = isVit()
                ? "ViT: patch " + visionPatchSize + ", " + visionLayers[0] + " layers, width " + visionWidth + ", " + visionHeads()
                  + " heads, MLP " + this.vision.mlpWidth() + " " + this.vision.activation().hfName()
                  + (this.vision.layerScale() ? ", LayerScale" : "")
                : "ModifiedResNet: blocks " + Arrays.toString(visionLayers) + ", width " + visionWidth + ", " + visionHeads() + " heads";
        return vision + ", " + imageResolution + "px; text: " + transformerLayers + " layers, width " + transformerWidth + ", "
                + transformerHeads + " heads, MLP " + text.mlpWidth() + " " + text.activation().hfName()
                + (text.layerScale() ? ", LayerScale" : "") + ", context " + contextLength + ", vocab " + vocabSize
                + "; embed_dim " + embedDim;
    }

    // ---- counting ----

    /**
     * Trainable parameters (buffers such as BatchNorm statistics excluded, {@code logit_scale}
     * included), computed from the formulas of each module; {@link ClipModel#declaredParameterCount}
     * counts the declared tensors instead and must agree.
     */
    public long parameterCount() { return textParameterCount() + visionParameterCount() + 1; }

    /** Parameters of the text tower (embeddings, blocks, ln_final, text_projection). */
    public long textParameterCount() {
        long w = transformerWidth;
        return (long) vocabSize * w + (long) contextLength * w + transformerLayers * blockParams(w, text) + 2 * w + w * embedDim;
    }

    /** Parameters of the image tower alone. */
    public long visionParameterCount() {
        long e = embedDim;
        if (isVit()) {
            long w = visionWidth, p = visionPatchSize, g = gridSize();
            return 3 * w * p * p + w + (g * g + 1) * w + 2 * w + visionLayers[0] * blockParams(w, vision) + 2 * w + w * e;
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

    /** One ResidualAttentionBlock: two LayerNorms, in/out projections, the MLP, LayerScale's two gammas. */
    private static long blockParams(long w, TowerOptions o) {
        long m = o.mlpWidth();
        return 4 * w * w + 4 * w + 4 * w + 2 * w * m + m + w + (o.layerScale() ? 2 * w : 0);
    }

    // ---- record plumbing for the array field ----

    @Override public int[] visionLayers() { return visionLayers.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof ClipArchitecture a && embedDim == a.embedDim && imageResolution == a.imageResolution
                && Arrays.equals(visionLayers, a.visionLayers) && visionWidth == a.visionWidth
                && Objects.equals(visionPatchSize, a.visionPatchSize) && contextLength == a.contextLength
                && vocabSize == a.vocabSize && transformerWidth == a.transformerWidth
                && transformerHeads == a.transformerHeads && transformerLayers == a.transformerLayers
                && effectiveVision().equals(a.effectiveVision()) && text.equals(a.text);
    }

    /** A ResNet's activation is never used: equal architectures may differ there. */
    private TowerOptions effectiveVision() { return isVit() ? vision : vision.withActivation(text.activation()); }

    @Override public int hashCode() {
        return Objects.hash(embedDim, imageResolution, Arrays.hashCode(visionLayers), visionWidth,
                visionPatchSize, contextLength, vocabSize, transformerWidth, transformerHeads, transformerLayers,
                effectiveVision(), text);
    }

    @Override public String toString() {
        return "ClipArchitecture[embed_dim=" + embedDim + ", image_resolution=" + imageResolution
                + ", vision_layers=" + (isVit() ? String.valueOf(visionLayers[0]) : Arrays.toString(visionLayers))
                + ", vision_width=" + visionWidth + ", vision_patch_size=" + visionPatchSize
                + ", context_length=" + contextLength + ", vocab_size=" + vocabSize
                + ", transformer_width=" + transformerWidth + ", transformer_heads=" + transformerHeads
                + ", transformer_layers=" + transformerLayers + ", vision=" + vision + ", text=" + text + "]";
    }
}
