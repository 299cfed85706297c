package dev.jclip.eval;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

/**
 * A tiny deterministic stand-in for a CLIP model (tests only): image features = per-channel
 * means and standard deviations of the pixels times a random matrix; text features = mean of
 * the token embeddings of the non-padding ids. Enough structure that different inputs give
 * different features, with no model weights needed.
 */
final class StandInEncoder implements ContrastiveModel, AutoCloseable {
    final Tensor imageProj;   // [6, D]
    final Tensor tokenEmbed;  // [V, D]
    final Tensor logitScale = Torch.full(new long[]{}, Math.log(100), DType.F32, Device.CPU);
    final int resolution, context;

    StandInEncoder(int dim, int vocab, int resolution, int context, long seed) {
        Torch.manualSeed(seed);
        this.imageProj = Torch.randn(new long[]{6, dim}, DType.F32, Device.CPU);
        this.tokenEmbed = Torch.randn(new long[]{vocab, dim}, DType.F32, Device.CPU);
        this.resolution = resolution;
        this.context = context;
    }

    @Override public Tensor encodeImage(Tensor images) {
        Tensor mean = images.mean(new long[]{2, 3}, false);
        Tensor std = images.var(3, false, false).mean(2, false).sqrt();
        return Torch.cat(java.util.List.of(mean, std), 1).matmul(imageProj);
    }

    @Override public Tensor encodeText(Tensor tokens) {
        Tensor mask = tokens.gt(0).to(DType.F32).unsqueeze(2);
        Tensor e = F.embedding(tokenEmbed, tokens).mul(mask);
        return e.sum(1, false).div(mask.sum(1, false));
    }

    @Override public Tensor logitScale() { return logitScale; }
    @Override public java.util.Map<String, Tensor> namedParameters() {
        var out = new java.util.LinkedHashMap<String, Tensor>();
        out.put("visual.proj", imageProj);
        out.put("token_embedding.weight", tokenEmbed);
        out.put("logit_scale", logitScale);
        return out;
    }
    @Override public StandInEncoder train(boolean on) { return this; }
    @Override public StandInEncoder requiresGrad(boolean on) { throw new UnsupportedOperationException("a frozen stand-in"); }
    @Override public int imageResolution() { return resolution; }
    @Override public int contextLength() { return context; }
    @Override public Device device() { return Device.CPU; }
    @Override public DType dtype() { return DType.F32; }

    @Override public void close() {
        imageProj.close();
        tokenEmbed.close();
        logitScale.close();
    }
}
