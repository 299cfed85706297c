package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * The reference's attention pooling that ends the ModifiedResNet: the feature map's mean is
 * prepended as a query token, {@code positional_embedding} [g*g + 1, C] is added, and that one
 * token attends over all g*g + 1 tokens with separate {@code q_proj}, {@code k_proj},
 * {@code v_proj} and output {@code c_proj} (C -> output dim). Another grid than g x g gets an
 * interpolated positional embedding.
 *
 * <pre>{@code
 * var pool = new AttentionPool2d(store, "visual.attnpool", 7, 2048, 32, 1024);
 * Tensor f = pool.forward(x);   // x: [N, 2048, 7, 7] -> [N, 1024]
 * }</pre>
 */
public final class AttentionPool2d extends Module {
    private final Parameter positionalEmbedding;
    private final Linear kProj, qProj, vProj, cProj;
    private final long spacialDim;
    private final long embedDim;
    private final long heads;

    public AttentionPool2d(ParameterStore store, String prefix, long spacialDim, long embedDim, long heads, long outputDim) {
        super(store, prefix);
        if (embedDim % heads != 0) throw new IllegalArgumentException("embed dim " + embedDim + " not divisible by " + heads + " heads");
        this.spacialDim = spacialDim;
        this.embedDim = embedDim;
        this.heads = heads;
        positionalEmbedding = parameter("positional_embedding", spacialDim * spacialDim + 1, embedDim);
        kProj = new Linear(store, child("k_proj"), embedDim, embedDim, true);
        qProj = new Linear(store, child("q_proj"), embedDim, embedDim, true);
        vProj = new Linear(store, child("v_proj"), embedDim, embedDim, true);
        cProj = new Linear(store, child("c_proj"), embedDim, outputDim, true);
    }

    public Tensor forward(Tensor x) {
        try (Scope s = Scope.open()) {
            long n = x.size(0), gh = x.size(2), gw = x.size(3), l = gh * gw + 1, d = embedDim / heads;
            Tensor t = x.flatten(2, -1).transpose(1, 2);                          // [N, HW, C]
            t = Torch.cat(List.of(t.mean(1, true), t), 1);                       // [N, HW+1, C]
            Tensor pe = positionalEmbedding.get();
            if (gh != spacialDim || gw != spacialDim) pe = PositionalEmbedding.resize(pe, gh, gw);
            t = t.add(pe.to(t.dtype()));
            Tensor q = qProj.forward(t.narrow(1, 0, 1)).reshape(n, 1, heads, d).transpose(1, 2);
            Tensor k = kProj.forward(t).reshape(n, l, heads, d).transpose(1, 2);
            Tensor v = vProj.forward(t).reshape(n, l, heads, d).transpose(1, 2);
            Tensor o = F.scaledDotProductAttention(q, k, v, null, false);        // [N, H, 1, d]
            return s.keep(cProj.forward(MultiheadAttention.mergeHeads(o, n, 1, embedDim)).squeeze(1));
        }
    }
}
