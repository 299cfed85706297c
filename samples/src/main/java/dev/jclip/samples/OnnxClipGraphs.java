package dev.jclip.samples;

import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ONNX graphs of a {@link ClipModel}'s towers, built from the model's own weights (its state dict)
 * with the same computation as jclip's modules and OpenAI's {@code model.py}: what
 * {@code torch.onnx.export} would produce (MatMul with transposed weights, LayerNormalization,
 * explicit attention, QuickGELU as {@code x * Sigmoid(1.702 x)}, Conv + BatchNormalization),
 * leaving the fusions to ONNX Runtime's optimizer. Used by {@code clip bench infer} only.
 *
 * <pre>{@code
 * OnnxClipGraphs.image(model, Path.of("image.onnx"));   // input "images" [N, 3, R, R] -> "features" [N, D]
 * OnnxClipGraphs.text(model, Path.of("text.onnx"));     // input "tokens" int64 [N, 77] -> "features" [N, D]
 * }</pre>
 */
final class OnnxClipGraphs {
    private final OnnxWriter g;
    private final Map<String, Tensor> sd;

    private OnnxClipGraphs(OnnxWriter g, Map<String, Tensor> sd) {
        this.g = g;
        this.sd = sd;
    }

    /**
     * Whether a tower uses QuickGELU; the options this graph writer does not encode (tanh GELU,
     * LayerScale, another LayerNorm eps) are refused rather than exported wrong.
     */
    private static boolean quick(dev.jclip.model.TowerOptions o) {
        if (o.activation() == dev.jclip.model.Activation.GELU_TANH || o.layerScale() || o.layerNormEps() != 1e-5) {
            throw new IllegalArgumentException("ONNX export does not encode " + o + " (tanh GELU, LayerScale or LayerNorm eps != 1e-5)");
        }
        return o.activation() == dev.jclip.model.Activation.QUICK_GELU;
    }

    /** The image tower (ViT or ModifiedResNet) as an ONNX model file. */
    static void image(ClipModel model, Path file) throws IOException {
        ClipArchitecture a = model.architecture();
        OnnxClipGraphs b = new OnnxClipGraphs(new OnnxWriter("clip_image"), model.stateDict());
        int r = a.imageResolution();
        b.g.input("images", OnnxWriter.FLOAT, "N", 3L, (long) r, (long) r);
        String f = a.isVit() ? b.vit(a, "images") : b.resnet(a, "images");
        b.g.output(b.g.node("Identity", List.of(f)), OnnxWriter.FLOAT, "N", (long) a.embedDim());
        b.g.write(file);
    }

    /** The text tower as an ONNX model file. */
    static void text(ClipModel model, Path file) throws IOException {
        ClipArchitecture a = model.architecture();
        OnnxClipGraphs b = new OnnxClipGraphs(new OnnxWriter("clip_text"), model.stateDict());
        b.g.input("tokens", OnnxWriter.INT64, "N", (long) a.contextLength());
        String x = b.g.node("Gather", List.of(b.weight("token_embedding.weight"), "tokens"));
        x = b.g.node("Add", List.of(x, b.weight("positional_embedding")));
        x = b.transformer(x, "transformer.", a.transformerLayers(), a.transformerWidth(), a.transformerHeads(), true, a.contextLength(), quick(a.text()));
        x = b.layerNorm(x, "ln_final.");
        String eot = b.g.node("ArgMax", List.of("tokens"), "axis", 1L, "keepdims", 0L);
        String idx = b.g.node("Unsqueeze", List.of(eot, b.g.constant(1)));
        String pooled = b.g.node("GatherND", List.of(x, idx), "batch_dims", 1L);
        String f = b.g.node("MatMul", List.of(pooled, b.weight("text_projection")));
        b.g.output(b.g.node("Identity", List.of(f)), OnnxWriter.FLOAT, "N", (long) a.embedDim());
        b.g.write(file);
    }

    // ---- towers ----

    private String vit(ClipArchitecture a, String images) {
        long w = a.visionWidth(), p = a.visionPatchSize();
        String x = g.node("Conv", List.of(images, weight("visual.conv1.weight")), "strides", new long[]{p, p},
                "kernel_shape", new long[]{p, p});
        x = g.node("Reshape", List.of(x, g.constant(0, w, -1)));
        x = g.node("Transpose", List.of(x), "perm", new long[]{0, 2, 1});                       // [N, L, W]
        String n = g.node("Slice", List.of(g.node("Shape", List.of(images)), g.constant(0), g.constant(1)));
        String target = g.node("Concat", List.of(n, g.constant(1, w)), "axis", 0L);
        String cls = g.node("Expand", List.of(weightReshaped("visual.class_embedding", 1, 1, w), target));
        x = g.node("Concat", List.of(cls, x), "axis", 1L);
        x = g.node("Add", List.of(x, weight("visual.positional_embedding")));
        x = layerNorm(x, "visual.ln_pre.");
        long grid = a.gridSize();
        x = transformer(x, "visual.transformer.", a.visionLayers()[0], w, a.visionHeads(), false, grid * grid + 1, quick(a.vision()));
        x = g.node("Gather", List.of(x, g.scalar(0)), "axis", 1L);                            // class token [N, W]
        x = layerNorm(x, "visual.ln_post.");
        return g.node("MatMul", List.of(x, weight("visual.proj")));
    }

    private String resnet(ClipArchitecture a, String images) {
        String x = convBn(images, "visual.conv1", "visual.bn1", 2, 1, true);
        x = convBn(x, "visual.conv2", "visual.bn2", 1, 1, true);
        x = convBn(x, "visual.conv3", "visual.bn3", 1, 1, true);
        x = avgPool(x, 2);
        int[] layers = a.visionLayers();
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < layers[stage]; b++) {
                x = bottleneck(x, "visual.layer" + (stage + 1) + "." + b + ".", stage > 0 && b == 0 ? 2 : 1);
            }
        }
        return attnPool(x, "visual.attnpool.", a.visionWidth() * 32L, a.visionHeads());
    }

    private String bottleneck(String x, String p, int stride) {
        String out = convBn(x, p + "conv1", p + "bn1", 1, 0, true);
        out = convBn(out, p + "conv2", p + "bn2", 1, 1, true);
        if (stride > 1) out = avgPool(out, stride);
        out = convBn(out, p + "conv3", p + "bn3", 1, 0, false);
        String identity = x;
        if (sd.containsKey(p + "downsample.0.weight")) {
            String pooled = stride > 1 ? avgPool(x, stride) : x;
            identity = convBn(pooled, p + "downsample.0", p + "downsample.1", 1, 0, false);
        }
        return g.node("Relu", List.of(g.node("Add", List.of(out, identity))));
    }

    private String attnPool(String x, String p, long c, long heads) {
        long d = c / heads;
        String t = g.node("Reshape", List.of(x, g.constant(0, c, -1)));
        t = g.node("Transpose", List.of(t), "perm", new long[]{0, 2, 1});                       // [N, HW, C]
        String mean = g.node("ReduceMean", List.of(t), "axes", new long[]{1}, "keepdims", 1L);
        t = g.node("Concat", List.of(mean, t), "axis", 1L);
        t = g.node("Add", List.of(t, weight(p + "positional_embedding")));
        String first = g.node("Slice", List.of(t, g.constant(0), g.constant(1), g.constant(1)));
        String q = heads(linear(first, p + "q_proj."), heads, d, false);
        String k = heads(linear(t, p + "k_proj."), heads, d, true);
        String v = heads(linear(t, p + "v_proj."), heads, d, false);
        String o = attention(q, k, v, d, null);
        o = g.node("Reshape", List.of(o, g.constant(0, c)));                                      // [N, C]
        return linear(o, p + "c_proj.");
    }

    private String transformer(String x, String p, int layers, long w, long heads, boolean causal, long length, boolean quickGelu) {
        String mask = null;
        if (causal) {
            float[] m = new float[(int) (length * length)];
            for (int i = 0; i < length; i++) for (int j = i + 1; j < length; j++) m[(int) (i * length + j)] = Float.NEGATIVE_INFINITY;
            mask = g.initializer(g.fresh("causal_mask"), new long[]{length, length}, m);
        }
        for (int i = 0; i < layers; i++) x = block(x, p + "resblocks." + i + ".", w, heads, mask, quickGelu);
        return x;
    }

    private String block(String x, String p, long w, long heads, String mask, boolean quickGelu) {
        long d = w / heads;
        String h = layerNorm(x, p + "ln_1.");
        String qkv = g.node("Add", List.of(g.node("MatMul", List.of(h, weightT(p + "attn.in_proj_weight"))),
                weight(p + "attn.in_proj_bias")));
        String q = g.fresh("q"), k = g.fresh("k"), v = g.fresh("v");
        g.nodeMulti("Split", List.of(qkv, g.constant(w, w, w)), List.of(q, k, v), "axis", -1L);
        String o = attention(heads(q, heads, d, false), heads(k, heads, d, true), heads(v, heads, d, false), d, mask);
        o = g.node("Reshape", List.of(o, g.constant(0, 0, w)));
        x = g.node("Add", List.of(x, linear(o, p + "attn.out_proj.")));
        String m = linear(layerNorm(x, p + "ln_2."), p + "mlp.c_fc.");
        if (quickGelu) {
            m = g.node("Mul", List.of(m, g.node("Sigmoid", List.of(g.node("Mul", List.of(m, g.scalarFloat(1.702f)))))));
        } else {
            String e = g.node("Erf", List.of(g.node("Mul", List.of(m, g.scalarFloat((float) (1 / Math.sqrt(2)))))));
            m = g.node("Mul", List.of(g.node("Mul", List.of(m, g.scalarFloat(0.5f))), g.node("Add", List.of(e, g.scalarFloat(1f)))));
        }
        return g.node("Add", List.of(x, linear(m, p + "mlp.c_proj.")));
    }

    /** [N, L, H*D] -> [N, H, L, D], or [N, H, D, L] for keys. */
    private String heads(String t, long heads, long d, boolean key) {
        String r = g.node("Reshape", List.of(t, g.constant(0, 0, heads, d)));
        return g.node("Transpose", List.of(r), "perm", key ? new long[]{0, 2, 3, 1} : new long[]{0, 2, 1, 3});
    }

    /** softmax(q k^T / sqrt(d) + mask) v, merged back to [N, L, H, D]. */
    private String attention(String q, String kT, String v, long d, String mask) {
        String s = g.node("Mul", List.of(g.node("MatMul", List.of(q, kT)), g.scalarFloat((float) (1 / Math.sqrt(d)))));
        if (mask != null) s = g.node("Add", List.of(s, mask));
        String o = g.node("MatMul", List.of(g.node("Softmax", List.of(s), "axis", -1L), v));
        return g.node("Transpose", List.of(o), "perm", new long[]{0, 2, 1, 3});
    }

    // ---- layers ----

    private String linear(String x, String p) {
        return g.node("Add", List.of(g.node("MatMul", List.of(x, weightT(p + "weight"))), weight(p + "bias")));
    }

    private String layerNorm(String x, String p) {
        return g.node("LayerNormalization", List.of(x, weight(p + "weight"), weight(p + "bias")), "axis", -1L, "epsilon", 1e-5);
    }

    private String convBn(String x, String conv, String bn, long stride, long pad, boolean relu) {
        long k = sd.get(conv + ".weight").size(2);
        String y = g.node("Conv", List.of(x, weight(conv + ".weight")), "strides", new long[]{stride, stride},
                "pads", new long[]{pad, pad, pad, pad}, "kernel_shape", new long[]{k, k});
        y = g.node("BatchNormalization", List.of(y, weight(bn + ".weight"), weight(bn + ".bias"), weight(bn + ".running_mean"),
                weight(bn + ".running_var")), "epsilon", 1e-5);
        return relu ? g.node("Relu", List.of(y)) : y;
    }

    private String avgPool(String x, long k) {
        return g.node("AveragePool", List.of(x), "kernel_shape", new long[]{k, k}, "strides", new long[]{k, k});
    }

    // ---- weights ----

    private String weight(String key) {
        try (Scope s = Scope.open()) {
            Tensor t = tensor(key).contiguous();
            return g.initializer(key, t.shape(), t.toFloatArray());
        }
    }

    /** The weight transposed ([out, in] -> [in, out]) for {@code MatMul(x, W^T)}. */
    private String weightT(String key) {
        try (Scope s = Scope.open()) {
            Tensor t = tensor(key).t().contiguous();
            return g.initializer(key + ".T", t.shape(), t.toFloatArray());
        }
    }

    private String weightReshaped(String key, long... shape) {
        try (Scope s = Scope.open()) {
            return g.initializer(key, shape, tensor(key).contiguous().toFloatArray());
        }
    }

    private Tensor tensor(String key) {
        Tensor t = sd.get(key);
        if (t == null) throw new IllegalStateException("no weight " + key + " in the model");
        return t;
    }
}
