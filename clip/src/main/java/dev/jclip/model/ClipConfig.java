package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The architecture of a CLIP model: the constructor arguments of openai/CLIP's
 * {@code clip.model.CLIP}, with the same names ({@code snake_case} in JSON). A ViT has a patch
 * size and one vision layer count; a ModifiedResNet has no patch size and four block counts.
 *
 * <pre>{@code
 * ClipConfig cfg = ClipConfig.inferFrom(stateDict.shapes());  // build_model's rules
 * ClipConfig same = ClipConfig.fromJson(cfg.toJson());
 * }</pre>
 *
 * @param embedDim          joint embedding size ({@code text_projection.shape[1]})
 * @param imageResolution   input image side in pixels
 * @param visionLayers      ViT: {@code [layers]}; ResNet: blocks per stage (4 values)
 * @param visionWidth       ViT width, or the ResNet base width
 * @param visionPatchSize   ViT patch size; null for a ResNet
 * @param contextLength     text positions (77)
 * @param vocabSize         token embedding rows
 * @param transformerWidth  text transformer width
 * @param transformerHeads  text attention heads ({@code width / 64} in build_model)
 * @param transformerLayers text transformer layers
 */
public record ClipConfig(int embedDim, int imageResolution, int[] visionLayers, int visionWidth, Integer visionPatchSize,
                         int contextLength, int vocabSize, int transformerWidth, int transformerHeads, int transformerLayers) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.");
    private static final Pattern VIT_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_weight$");

    public ClipConfig {
        visionLayers = visionLayers.clone();
        if (visionPatchSize == null ? visionLayers.length != 4 : visionLayers.length != 1)
            throw new IllegalArgumentException("vision_layers must hold 1 count for a ViT and 4 for a ResNet, got "
                    + Arrays.toString(visionLayers) + " with vision_patch_size " + visionPatchSize);
    }

    @Override public int[] visionLayers() { return visionLayers.clone(); }

    /** Whether the image tower is a VisionTransformer (else a ModifiedResNet). */
    public boolean isVit() { return visionPatchSize != null; }

    /** Vision attention heads as the reference constructor derives them. */
    public int visionHeads() { return isVit() ? visionWidth / 64 : visionWidth * 32 / 64; }

    /**
     * The architecture of a state dict with OpenAI names, by openai/CLIP's {@code build_model}
     * rules, checked for consistency (throws {@link IllegalArgumentException} naming the tensor).
     */
    public static ClipConfig inferFrom(Map<String, long[]> shapes) {
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
        return new ClipConfig(embedDim, imageResolution, visionLayers, visionWidth, patch, (int) posEmb[0], (int) tok[0],
                width, width / 64, text.size());
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

    /** Compact JSON with the reference's names; {@code vision_layers} is an int for a ViT, a list for a ResNet. */
    public String toJson() {
        return toJson(false);
    }

    /** {@link #toJson()}, indented when {@code pretty}. */
    public String toJson(boolean pretty) {
        ObjectNode n = JSON.createObjectNode();
        n.put("embed_dim", embedDim).put("image_resolution", imageResolution);
        if (isVit()) n.put("vision_layers", visionLayers[0]);
        else { var a = n.putArray("vision_layers"); for (int v : visionLayers) a.add(v); }
        n.put("vision_width", visionWidth);
        if (isVit()) n.put("vision_patch_size", visionPatchSize); else n.putNull("vision_patch_size");
        n.put("context_length", contextLength).put("vocab_size", vocabSize).put("transformer_width", transformerWidth)
                .put("transformer_heads", transformerHeads).put("transformer_layers", transformerLayers);
        try {
            return pretty ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) : JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@link #toJson()}'s format (the fixtures' and open_clip-style {@code config.json}). */
    public static ClipConfig fromJson(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("CLIP config is not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("CLIP config is not a JSON object");
        JsonNode vl = field(n, "vision_layers");
        int[] layers;
        if (vl.isArray()) {
            layers = new int[vl.size()];
            for (int i = 0; i < layers.length; i++) layers[i] = vl.get(i).asInt();
        } else if (vl.isInt()) layers = new int[]{vl.asInt()};
        else throw new IllegalArgumentException("CLIP config field 'vision_layers' must be an int or a list of ints");
        JsonNode ps = field(n, "vision_patch_size");
        return new ClipConfig(integer(n, "embed_dim"), integer(n, "image_resolution"), layers, integer(n, "vision_width"),
                ps.isNull() ? null : ps.asInt(), integer(n, "context_length"), integer(n, "vocab_size"),
                integer(n, "transformer_width"), integer(n, "transformer_heads"), integer(n, "transformer_layers"));
    }

    public static ClipConfig read(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) {
        try {
            Files.writeString(file, toJson(true) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) throw new IllegalArgumentException("CLIP config lacks field '" + name + "'");
        return v;
    }

    private static int integer(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isInt()) throw new IllegalArgumentException("CLIP config field '" + name + "' must be an integer, got " + v);
        return v.asInt();
    }

    /** A short human-readable description, e.g. {@code ViT (patch 32, 12 layers, width 768) ...}. */
    public String describe() {
        String vision = isVit()
                ? "ViT: patch " + visionPatchSize + ", " + visionLayers[0] + " layers, width " + visionWidth + ", " + visionHeads() + " heads"
                : "ModifiedResNet: blocks " + Arrays.toString(visionLayers) + ", width " + visionWidth + ", " + visionHeads() + " heads";
        return vision + ", " + imageResolution + "px; text: " + transformerLayers + " layers, width " + transformerWidth + ", "
                + transformerHeads + " heads, context " + contextLength + ", vocab " + vocabSize + "; embed_dim " + embedDim;
    }

    @Override public boolean equals(Object o) {
        return o instanceof ClipConfig c && embedDim == c.embedDim && imageResolution == c.imageResolution
                && Arrays.equals(visionLayers, c.visionLayers) && visionWidth == c.visionWidth
                && java.util.Objects.equals(visionPatchSize, c.visionPatchSize) && contextLength == c.contextLength
                && vocabSize == c.vocabSize && transformerWidth == c.transformerWidth && transformerHeads == c.transformerHeads
                && transformerLayers == c.transformerLayers;
    }

    @Override public int hashCode() {
        return java.util.Objects.hash(embedDim, imageResolution, Arrays.hashCode(visionLayers), visionWidth, visionPatchSize,
                contextLength, vocabSize, transformerWidth, transformerHeads, transformerLayers);
    }

    @Override public String toString() { return "ClipConfig" + toJson(); }
}
