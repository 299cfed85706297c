package dev.jclip.dist;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test stand-in for a two-tower CLIP until the real model and trainer are on main: a linear image
 * tower with a bias and a bag-of-embeddings text tower, plus {@code logit_scale}.
 */
final class TinyTowers implements AutoCloseable {
    static final int PIXELS = 3 * 4 * 4, VOCAB = 20, WIDTH = 12, EMBED = 8, CONTEXT = 6;

    final Map<String, Tensor> params = new LinkedHashMap<>();

    TinyTowers(long seed) {
        Torch.manualSeed(seed);
        try (Scope s = Scope.open()) {
            put("visual.proj", Torch.randn(new long[]{PIXELS, EMBED}, DType.F32, Device.CPU).mul(0.2));
            put("visual.bias", Torch.randn(new long[]{EMBED}, DType.F32, Device.CPU).mul(0.1));
            put("token_embedding.weight", Torch.randn(new long[]{VOCAB, WIDTH}, DType.F32, Device.CPU).mul(0.3));
            put("text_projection", Torch.randn(new long[]{WIDTH, EMBED}, DType.F32, Device.CPU).mul(0.3));
            put("logit_scale", Torch.full(new long[]{}, Math.log(1 / 0.07), DType.F32, Device.CPU));
        }
    }

    private void put(String name, Tensor t) { params.put(name, t.keep().requiresGrad(true)); }

    Tensor encodeImage(Tensor images) {
        try (Scope s = Scope.open()) {
            return s.keep(images.flatten(1, -1).matmul(params.get("visual.proj")).add(params.get("visual.bias")));
        }
    }

    Tensor encodeText(Tensor tokens) {
        try (Scope s = Scope.open()) {
            return s.keep(F.embedding(params.get("token_embedding.weight"), tokens).mean(1, false).matmul(params.get("text_projection")));
        }
    }

    Tensor logitScale() { return params.get("logit_scale"); }

    /** The global batch of {@code step}: the same on every rank (each takes its rows). */
    static Tensor[] batch(int step, int n) {
        Torch.manualSeed(1000 + step);
        Tensor images = Torch.randn(new long[]{n, 3, 4, 4}, DType.F32, Device.CPU);
        Tensor tokens = Torch.randint(1, VOCAB, new long[]{n, CONTEXT}, DType.I64, Device.CPU);
        return new Tensor[]{images, tokens};
    }

    /**
     * CLIP's symmetric contrastive loss over normalized features (the stand-in for
     * {@code ClipLoss.lossGathered}): local rows against all candidates, labels {@code rank * b + i}.
     */
    static Tensor clipLoss(Tensor li, Tensor lt, Tensor ai, Tensor at, int rank, Tensor logitScale) {
        try (Scope s = Scope.open()) {
            long b = li.size(0);
            Tensor scale = logitScale.exp();
            Tensor perImage = li.matmul(at.t()).mul(scale);
            Tensor perText = lt.matmul(ai.t()).mul(scale);
            Tensor labels = Torch.arange((double) rank * b, (double) (rank + 1) * b, 1, DType.I64, Device.CPU);
            return s.keep(F.crossEntropy(perImage, labels).add(F.crossEntropy(perText, labels)).mul(0.5));
        }
    }

    /** Plain SGD (the stand-in optimizer: any gradient difference shows up in the weights). */
    void sgdStep(double lr) {
        try (var ng = Torch.noGrad(); Scope s = Scope.open()) {
            for (Tensor p : params.values()) {
                Tensor g = p.grad();
                p.copy_(p.sub(g.mul(lr)));
                p.setGrad(null);
            }
        }
    }

    @Override public void close() { params.values().forEach(Tensor::close); }
}
