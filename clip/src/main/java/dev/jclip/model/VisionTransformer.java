package dev.jclip.model;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * The reference's ViT image tower (keys under {@code visual.}): patchify with {@code conv1}
 * (stride = patch, no bias), prepend {@code class_embedding}, add {@code positional_embedding},
 * {@code ln_pre}, {@link Transformer} (not causal), {@code ln_post} on the class token, then
 * {@code @ proj}. Images of another size than {@link #inputResolution()} get an interpolated
 * positional embedding ({@link PositionalEmbedding}).
 *
 * <pre>{@code
 * var vit = new VisionTransformer(store, "visual", 224, 32, 768, 12, 12, 512, true);
 * Tensor f = vit.forward(images);   // [N, 512]
 * }</pre>
 */
public final class VisionTransformer extends Module implements VisionTower {
    private final int inputResolution;
    private final long width;
    private final long grid;
    private final Conv2d conv1;
    private final Parameter classEmbedding;
    private final Parameter positionalEmbedding;
    private final LayerNorm lnPre;
    private final Transformer transformer;
    private final LayerNorm lnPost;
    private final Parameter proj;

    public VisionTransformer(ParameterStore store, String prefix, int inputResolution, int patchSize, int width,
                             int layers, int heads, int outputDim, boolean quickGelu) {
        this(store, prefix, inputResolution, patchSize, width, layers, outputDim, TowerOptions.openai(width, heads, quickGelu));
    }

    /** A ViT whose blocks and LayerNorms follow {@code options}. */
    public VisionTransformer(ParameterStore store, String prefix, int inputResolution, int patchSize, int width,
                             int layers, int outputDim, TowerOptions options) {
        super(store, prefix);
        this.inputResolution = inputResolution;
        this.width = width;
        this.grid = inputResolution / patchSize;
        classEmbedding = parameter("class_embedding", width);
        positionalEmbedding = parameter("positional_embedding", grid * grid + 1, width);
        proj = parameter("proj", width, outputDim);
        conv1 = new Conv2d(store, child("conv1"), 3, width, patchSize, patchSize, 0);
        lnPre = new LayerNorm(store, child("ln_pre"), width, options.layerNormEps());
        transformer = new Transformer(store, child("transformer"), width, layers, false, options);
        lnPost = new LayerNorm(store, child("ln_post"), width, options.layerNormEps());
    }

    @Override public int inputResolution() { return inputResolution; }

    @Override public Parameter conv1Weight() { return conv1.weight(); }

    @Override public Tensor forward(Tensor images) {
        try (Scope s = Scope.open()) {
            Tensor x = conv1.forward(images.to(conv1.weight().get().dtype()));   // [N, W, gh, gw]
            long n = x.size(0), gh = x.size(2), gw = x.size(3);
            x = x.reshape(n, width, gh * gw).permute(0, 2, 1);                   // [N, gh*gw, W]
            Tensor cls = classEmbedding.get().to(x.dtype()).reshape(1, 1, width).expand(n, 1, width);
            x = Torch.cat(List.of(cls, x), 1);
            Tensor pe = positionalEmbedding.get();
            if (gh != grid || gw != grid) pe = PositionalEmbedding.resize(pe, gh, gw);
            x = lnPre.forward(x.add(pe.to(x.dtype())));
            x = transformer.forward(x);
            x = lnPost.forward(x.select(1, 0));
            return s.keep(x.matmul(proj.get()));
        }
    }
}
