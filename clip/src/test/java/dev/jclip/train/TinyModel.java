package dev.jclip.train;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A linear "image tower" and a bag-of-embeddings "text tower": the smallest contrastive model. */
final class TinyModel implements ContrastiveModel, AutoCloseable {
    final Map<String, Tensor> params = new LinkedHashMap<>();
    final int pixels;
    final DType dtype;
    boolean training;

    TinyModel(int pixels, int vocab, int width, int embed, DType dtype, long seed) {
        this.pixels = pixels;
        this.dtype = dtype;
        Torch.manualSeed(seed);
        try (Scope s = Scope.open()) {
            put("visual.proj", Torch.randn(new long[]{pixels, embed}, dtype, Device.CPU).mul(0.05));
            put("visual.bias", Torch.randn(new long[]{embed}, dtype, Device.CPU).mul(0.05));
            put("token_embedding.weight", Torch.randn(new long[]{vocab, width}, dtype, Device.CPU).mul(0.1));
            put("text_projection", Torch.randn(new long[]{width, embed}, dtype, Device.CPU).mul(0.2));
            put("logit_scale", Torch.full(new long[]{}, Math.log(1 / 0.07), dtype, Device.CPU));
        }
    }

    private void put(String name, Tensor t) { params.put(name, t.keep().requiresGrad(true)); }

    @Override public Tensor encodeImage(Tensor images) {
        try (Scope s = Scope.open()) {
            return s.keep(images.flatten(1, -1).matmul(params.get("visual.proj")).add(params.get("visual.bias")));
        }
    }

    @Override public Tensor encodeText(Tensor tokens) {
        try (Scope s = Scope.open()) {
            return s.keep(F.embedding(params.get("token_embedding.weight"), tokens).mean(1, false).matmul(params.get("text_projection")));
        }
    }

    @Override public Tensor logitScale() { return params.get("logit_scale"); }
    @Override public Map<String, Tensor> namedParameters() { return params; }
    @Override public TinyModel train(boolean on) { training = on; return this; }
    @Override public TinyModel requiresGrad(boolean on) { params.values().forEach(t -> t.requiresGrad(on)); return this; }
    @Override public int imageResolution() { return (int) Math.round(Math.sqrt(pixels / 3.0)); }
    @Override public int contextLength() { throw new UnsupportedOperationException("any context length"); }
    @Override public Device device() { return Device.CPU; }
    @Override public DType dtype() { return dtype; }

    /** Characters to ids modulo {@code vocab}, padded with 0 to {@code context}. */
    static Tensor tokenize(List<String> texts, int context, int vocab) {
        long[] ids = new long[texts.size() * context];
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            for (int j = 0; j < Math.min(context, t.length()); j++) ids[i * context + j] = 1 + t.charAt(j) % (vocab - 1);
        }
        return Torch.of(ids, texts.size(), context);
    }

    @Override public void close() { params.values().forEach(Tensor::close); }
}
