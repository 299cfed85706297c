package dev.jclip.model;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * openai/CLIP's {@code build_model}: every size a state dict with OpenAI names shows in its
 * tensors' names and shapes (widths, depths, patch, resolution, context, vocabulary, embedding
 * width, MLP widths, LayerScale), and {@code build_model}'s fixed choices for what shapes cannot
 * show: QuickGELU, heads = width / 64 (text and ViT; a ResNet's attention pool: width * 32 / 64),
 * LayerNorm eps 1e-5. Every tensor it reads is checked against the others.
 */
final class ShapeInference {
    private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.");
    private static final Pattern VIT_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_weight$");
    /** LayerScale's init value is not in the weights; any non-zero value marks LayerScale present. */
    static final double INFERRED_LAYER_SCALE = 1e-5;

    private ShapeInference() {}

    static ClipArchitecture infer(Map<String, long[]> shapes) { return infer(shapes, false); }

    /** {@code sizesOnly}: for checking a config's sizes, where heads come from the config (no width/64 rule errors). */
    static ClipArchitecture infer(Map<String, long[]> shapes, boolean sizesOnly) {
        boolean vit = shapes.containsKey("visual.proj");
        boolean resnet = shapes.keySet().stream().anyMatch(k -> k.startsWith("visual.attnpool."));
        if (!vit && !resnet) {
            boolean anyVisual = shapes.keySet().stream().anyMatch(k -> k.startsWith("visual."));
            throw new IllegalArgumentException("cannot infer the CLIP architecture: no image tower head: neither 'visual.proj' (ViT) nor "
                    + "'visual.attnpool.*' (ModifiedResNet) is present" + (anyVisual ? " (a partial state dict, e.g. one shard?)" : ""));
        }
        int visionWidth, imageResolution;
        int[] visionLayers;
        Integer patch;
        TowerOptions visionOpts;
        if (vit) {
            long[] conv1 = need(shapes, "visual.conv1.weight", 4);
            visionWidth = (int) conv1[0];
            patch = (int) conv1[3];
            if (conv1[2] != conv1[3]) throw bad("visual.conv1.weight", conv1, "a square patch kernel");
            TreeSet<Integer> blocks = indices(shapes, VIT_BLOCK, "visual.transformer.resblocks");
            visionLayers = new int[]{blocks.size()};
            checkDense(blocks, "visual.transformer.resblocks");
            long[] pos = need(shapes, "visual.positional_embedding", 2);
            int grid = (int) Math.round(Math.sqrt(pos[0] - 1));
            if ((long) grid * grid + 1 != pos[0] || pos[1] != visionWidth)
                throw bad("visual.positional_embedding", pos, "[grid*grid + 1, " + visionWidth + "]");
            imageResolution = patch * grid;
            long[] proj = need(shapes, "visual.proj", 2);
            if (proj[0] != visionWidth) throw bad("visual.proj", proj, "[" + visionWidth + ", embed_dim]");
            if (visionWidth < 64 && !sizesOnly) throw new IllegalArgumentException("vision width " + visionWidth + " < 64: build_model would infer 0 heads");
            int vh = Math.max(1, visionWidth / 64);
            if (sizesOnly) while (visionWidth % vh != 0) vh--;
            visionOpts = new TowerOptions(Activation.QUICK_GELU, vh, mlpWidth(shapes, "visual.", visionWidth),
                    TowerOptions.DEFAULT_EPS, layerScale(shapes, "visual."));
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
            visionOpts = TowerOptions.openaiResNet(visionWidth, true);
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
        if (width < 64 && !sizesOnly) throw new IllegalArgumentException("transformer width " + width + " < 64: build_model would infer 0 heads");
        TreeSet<Integer> text = indices(shapes, TEXT_BLOCK, "transformer.resblocks");
        checkDense(text, "transformer.resblocks");
        int heads = Math.max(1, width / 64);
        if (sizesOnly) while (width % heads != 0) heads--;
        TowerOptions textOpts = new TowerOptions(Activation.QUICK_GELU, heads, mlpWidth(shapes, "", width),
                TowerOptions.DEFAULT_EPS, layerScale(shapes, ""));
        return new ClipArchitecture(embedDim, imageResolution, visionLayers, visionWidth, patch, (int) posEmb[0], (int) tok[0],
                width, heads, text.size(), visionOpts, textOpts);
    }

    /** The MLP width of block 0 ({@code mlp.c_fc.weight} is [mlp, width]); 4 x width when there are no blocks. */
    private static int mlpWidth(Map<String, long[]> shapes, String prefix, int width) {
        long[] fc = shapes.get(prefix + "transformer.resblocks.0.mlp.c_fc.weight");
        if (fc == null) return 4 * width;
        if (fc.length != 2 || fc[1] != width) throw bad(prefix + "transformer.resblocks.0.mlp.c_fc.weight", fc, "[mlp_width, " + width + "]");
        return (int) fc[0];
    }

    private static double layerScale(Map<String, long[]> shapes, String prefix) {
        return shapes.containsKey(prefix + "transformer.resblocks.0.ls_1.gamma") ? INFERRED_LAYER_SCALE : 0;
    }

    private static long[] need(Map<String, long[]> shapes, String name, int rank) {
        long[] s = shapes.get(name);
        if (s == null) throw new IllegalArgumentException("cannot infer the CLIP architecture: no tensor '" + name + "'");
        if (s.length != rank) throw bad(name, s, rank + " dimensions");
        return s;
    }

    static IllegalArgumentException bad(String name, long[] shape, String expected) {
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
}
