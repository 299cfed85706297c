package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

/**
 * Random initialisation for training from scratch, with the distributions of the reference:
 * PyTorch's module defaults (Linear/Conv2d weights and Linear biases uniform in +-1/sqrt(fan_in),
 * {@code in_proj_weight} Xavier-uniform, attention biases 0, LayerNorm/BatchNorm 1 and 0, running
 * statistics 0 and 1), the ViT's {@code width^-0.5 * randn} embeddings and projection, the attention
 * pool's {@code randn / sqrt(C)} positional embedding, then {@code CLIP.initialize_parameters}:
 * token embedding N(0, 0.02), positional embedding N(0, 0.01), attention-pool projections
 * N(0, C^-0.5), {@code bn3.weight} zero, text-transformer weights scaled by width and depth,
 * {@code text_projection} N(0, width^-0.5), {@code logit_scale = ln(1/0.07)}. The numbers are not
 * PyTorch's (different generator use), the distributions are.
 *
 * <pre>{@code
 * ClipModel m = new ClipModel(ClipArchitecture.released("ViT-B/32"));
 * ClipInitializer.initialize(m, 42, DType.F32, Device.CPU);
 * }</pre>
 */
public final class ClipInitializer {
    private ClipInitializer() {}

    /** Fills every slot of {@code model} (seeding the global generator with {@code seed}). */
    public static void initialize(ClipModel model, long seed, DType dtype, Device device) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("parameters must be floating point, got " + dtype);
        ClipArchitecture a = model.architecture();
        ParameterStore store = model.store();
        Torch.manualSeed(seed);
        double textWidth = a.transformerWidth();
        double attnStd = Math.pow(textWidth, -0.5);
        double projStd = attnStd * Math.pow(2.0 * a.transformerLayers(), -0.5);
        double fcStd = Math.pow(2 * textWidth, -0.5);
        double vitScale = Math.pow(a.visionWidth(), -0.5);
        double poolStd = Math.pow(32.0 * a.visionWidth(), -0.5);
        for (Parameter p : store.entries()) {
            String k = p.name();
            long[] s = p.shape();
            Tensor t;
            try (Scope scope = Scope.open()) {
                if (k.endsWith("num_batches_tracked")) t = Torch.zeros(s, DType.I64, device);
                else if (k.endsWith("running_var")) t = Torch.ones(s, dtype, device);
                else if (k.endsWith("running_mean")) t = Torch.zeros(s, dtype, device);
                else if (k.equals("logit_scale")) t = Torch.full(s, Math.log(1 / 0.07), dtype, device);
                else if (k.endsWith(".ls_1.gamma") || k.endsWith(".ls_2.gamma")) {
                    // open_clip's LayerScale: gamma = ls_init_value
                    t = Torch.full(s, (k.startsWith("visual.") ? a.vision() : a.text()).layerScaleInit(), dtype, device);
                } else if (k.equals("token_embedding.weight")) t = normal(s, 0.02, dtype, device);
                else if (k.equals("positional_embedding")) t = normal(s, 0.01, dtype, device);
                else if (k.equals("text_projection")) t = normal(s, attnStd, dtype, device);
                else if (k.startsWith("transformer.") && k.endsWith("attn.in_proj_weight")) t = normal(s, attnStd, dtype, device);
                else if (k.startsWith("transformer.") && (k.endsWith("attn.out_proj.weight") || k.endsWith("mlp.c_proj.weight"))) {
                    t = normal(s, projStd, dtype, device);
                } else if (k.startsWith("transformer.") && k.endsWith("mlp.c_fc.weight")) t = normal(s, fcStd, dtype, device);
                else if (k.startsWith("visual.attnpool.") && k.endsWith("_proj.weight")) t = normal(s, poolStd, dtype, device);
                else if (k.equals("visual.attnpool.positional_embedding")) t = normal(s, poolStd, dtype, device);
                else if (k.equals("visual.class_embedding") || k.equals("visual.positional_embedding") || k.equals("visual.proj")) {
                    t = normal(s, vitScale, dtype, device);
                } else if (k.startsWith("visual.layer") && k.endsWith("bn3.weight")) t = Torch.zeros(s, dtype, device);
                else if (k.endsWith("in_proj_weight")) t = uniform(s, Math.sqrt(6.0 / (s[0] + s[1])), dtype, device);
                else if (k.endsWith("in_proj_bias") || k.endsWith("out_proj.bias")) t = Torch.zeros(s, dtype, device);
                else if (s.length == 1 && k.endsWith(".weight")) t = Torch.ones(s, dtype, device);      // LayerNorm, BatchNorm
                else if (k.endsWith(".bias") && isNormBias(store, k)) t = Torch.zeros(s, dtype, device);
                else if (k.endsWith(".bias")) t = uniform(s, 1 / Math.sqrt(fanIn(store, k)), dtype, device);
                else if (k.endsWith(".weight")) t = uniform(s, 1 / Math.sqrt(fanIn(s)), dtype, device);
                else throw new IllegalStateException("no initialisation rule for '" + k + "'");
                scope.keep(t);
            }
            store.assign(p, t);
        }
    }

    private static Tensor normal(long[] shape, double std, DType dtype, Device device) {
        return Torch.randn(shape, dtype, device).mul(std);
    }

    private static Tensor uniform(long[] shape, double bound, DType dtype, Device device) {
        return Torch.rand(shape, dtype, device).mul(2 * bound).sub(bound);
    }

    private static long fanIn(long[] weightShape) {
        long n = 1;
        for (int i = 1; i < weightShape.length; i++) n *= weightShape[i];
        return n;
    }

    private static long[] siblingWeight(ParameterStore store, String biasKey) {
        Parameter w = store.entry(biasKey.substring(0, biasKey.length() - "bias".length()) + "weight");
        if (w == null) throw new IllegalStateException("bias '" + biasKey + "' has no weight beside it");
        return w.shape();
    }

    private static boolean isNormBias(ParameterStore store, String biasKey) {
        return siblingWeight(store, biasKey).length == 1;
    }

    private static long fanIn(ParameterStore store, String biasKey) {
        return fanIn(siblingWeight(store, biasKey));
    }
}
