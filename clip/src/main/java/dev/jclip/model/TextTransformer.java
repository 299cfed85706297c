package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.Arrays;

/**
 * CLIP's text tower, whose keys sit at the top level of the state dict as in the reference:
 * {@code token_embedding.weight} + {@code positional_embedding}, a causal {@link Transformer}
 * ({@code transformer.*}), {@code ln_final}, then the hidden state at each text's end-of-text
 * token (the position of the largest token id, i.e. the first EOT) {@code @ text_projection}.
 *
 * <pre>{@code
 * var text = new TextTransformer(store, 77, 49408, 512, 8, 12, 512, true);
 * Tensor f = text.forward(tokens);   // tokens: int64 [N, 77] -> [N, 512]
 * }</pre>
 */
public final class TextTransformer extends Module {
    private final int contextLength;
    private final Parameter tokenEmbedding;
    private final Parameter positionalEmbedding;
    private final Transformer transformer;
    private final LayerNorm lnFinal;
    private final Parameter textProjection;

    public TextTransformer(ParameterStore store, int contextLength, int vocabSize, int width, int heads, int layers,
                           int embedDim, boolean quickGelu) {
        this(store, contextLength, vocabSize, width, layers, embedDim, TowerOptions.openai(width, heads, quickGelu));
    }

    /** A text tower whose blocks and {@code ln_final} follow {@code options}. */
    public TextTransformer(ParameterStore store, int contextLength, int vocabSize, int width, int layers, int embedDim,
                           TowerOptions options) {
        super(store, "");
        this.contextLength = contextLength;
        transformer = new Transformer(store, "transformer", width, layers, true, options);
        tokenEmbedding = store.parameter("token_embedding.weight", vocabSize, width);
        positionalEmbedding = parameter("positional_embedding", contextLength, width);
        lnFinal = new LayerNorm(store, "ln_final", width, options.layerNormEps());
        textProjection = parameter("text_projection", width, embedDim);
    }

    public int contextLength() { return contextLength; }

    /**
     * Text features [N, embed_dim] from token ids [N, L] (any integer dtype; L &lt;= context length,
     * normally exactly it). {@code dtype} is the model's dtype.
     */
    public Tensor forward(Tensor tokens, DType dtype) {
        long[] shape = tokens.shape();
        if (shape.length != 2 || shape[1] < 1 || shape[1] > contextLength) {
            throw new IllegalArgumentException("tokens must be [N, L] with 1 <= L <= " + contextLength + ", got "
                    + Arrays.toString(shape));
        }
        if (tokens.dtype().isFloatingPoint()) throw new IllegalArgumentException("tokens must be integers, got " + tokens.dtype());
        try (Scope s = Scope.open()) {
            long n = shape[0], l = shape[1];
            Tensor weight = tokenEmbedding.get();
            Tensor ids = tokens.to(weight.device(), DType.I64);
            Tensor x = F.embedding(weight, ids).to(dtype);
            Tensor pe = positionalEmbedding.get();
            if (l != contextLength) pe = pe.narrow(0, 0, l);
            x = transformer.forward(x.add(pe.to(dtype)));
            x = lnFinal.forward(x).to(dtype);
            Tensor rows = Torch.arange(0, n, 1, DType.I64, x.device());
            Tensor eot = ids.argmax(-1, false);
            return s.keep(x.index(rows, eot).matmul(textProjection.get()));
        }
    }
}
