package dev.jclip.embed;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.model.ClipModel;
import dev.jclip.model.ContrastiveModel;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * CLIP embeddings for services: images ({@link ImageInput}: path, bytes, stream,
 * {@code BufferedImage}) and texts to L2-normalised float32 vectors, safe to call from many
 * threads at once. Each call runs its own forward pass with gradients off; the model's weights are
 * only read, and scopes and grad mode are per thread, so concurrent calls return exactly (bit for
 * bit) what the same calls return one after another. To gather concurrent requests into larger
 * model batches use {@link DynamicBatcher} in front of {@link #embedPreprocessed}.
 *
 * <pre>{@code
 * ClipEmbedder emb = new ClipEmbedder(model, preprocess, tokenizer);
 * float[] img = emb.embedImage(ImageInput.of(Path.of("cat.jpg")));     // [dim], |img| = 1
 * float[][] txt = emb.embedTexts(List.of("a cat", "a dog"));
 * double cos = ClipEmbedder.dot(img, txt[0]);
 * }</pre>
 *
 * The embedder does not own the model: close the model when done.
 */
public final class ClipEmbedder {
    private final ContrastiveModel model;
    private final ClipPreprocess preprocess;
    private final ClipTokenizer tokenizer;
    private final int dim;
    private final int contextLength;

    /**
     * @param preprocess the model's image transform (its size must be the model's resolution)
     * @param tokenizer  null when only images will be embedded
     */
    public ClipEmbedder(ContrastiveModel model, ClipPreprocess preprocess, ClipTokenizer tokenizer) {
        if (preprocess.size() != model.imageResolution()) {
            throw new IllegalArgumentException("the transform makes " + preprocess.size() + " px images, the model takes "
                    + model.imageResolution() + " px");
        }
        this.model = model;
        this.preprocess = preprocess;
        this.tokenizer = tokenizer;
        this.contextLength = model.contextLength();
        this.dim = model instanceof ClipModel c ? c.architecture().embedDim()
                : embedPreprocessed(new float[preprocess.floatsPerImage()], 1).length;   // one probe forward pass
    }

    /** Length of every embedding. */
    public int dim() { return dim; }

    public ContrastiveModel model() { return model; }

    public ClipPreprocess preprocess() { return preprocess; }

    public boolean hasTokenizer() { return tokenizer != null; }

    /** Decodes and preprocesses one image to CHW floats (no model call; any thread). */
    public float[] preprocess(ImageInput image) {
        return preprocess.preprocess(image.decode(preprocess.decoder()));
    }

    public float[] embedImage(ImageInput image) { return embedImages(List.of(image))[0]; }

    /** One forward pass over {@code images}; a bad image fails the call ({@code ImageDecodeException}). */
    public float[][] embedImages(List<ImageInput> images) {
        if (images.isEmpty()) return new float[0][];
        int per = preprocess.floatsPerImage();
        float[] chw = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) System.arraycopy(preprocess(images.get(i)), 0, chw, i * per, per);
        return rows(embedPreprocessed(chw, images.size()), images.size());
    }

    /**
     * Embeds {@code n} preprocessed images laid out one after another (CHW each, the output of
     * {@link #preprocess(ImageInput)}): {@code n * dim} floats, row after row, L2-normalised.
     */
    public float[] embedPreprocessed(float[] chw, int n) {
        int r = preprocess.size();
        if (n < 1 || chw.length < (long) n * preprocess.floatsPerImage()) {
            throw new IllegalArgumentException(n + " images need " + (long) n * preprocess.floatsPerImage() + " floats, got " + chw.length);
        }
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor x = Torch.of(chw.length == n * preprocess.floatsPerImage() ? chw
                    : java.util.Arrays.copyOf(chw, n * preprocess.floatsPerImage()), n, 3, r, r);
            return normalizedHost(model.encodeImage(x.to(model.device(), model.dtype())), n);
        }
    }

    public float[] embedText(String text) { return embedTexts(List.of(text))[0]; }

    /** Texts truncated at the model's context length (last token = end of text), one forward pass. */
    public float[][] embedTexts(List<String> texts) {
        if (texts.isEmpty()) return new float[0][];
        if (tokenizer == null) throw new IllegalStateException("no tokenizer: this model records none (pass a vocabulary)");
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor tokens = tokenizer.tokenize(texts, contextLength, true).to(model.device());
            return rows(normalizedHost(model.encodeText(tokens), texts.size()), texts.size());
        }
    }

    /** {@code exp(logit_scale)}: the temperature zero-shot logits are scaled by. */
    public double logitScale() {
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            return model.logitScale().to(Device.CPU, DType.F64).exp().item();
        }
    }

    /** Dot product (the cosine similarity of two embeddings). */
    public static double dot(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private static float[] normalizedHost(Tensor f, int n) {
        if (f.dim() != 2 || f.size(0) != n) throw new IllegalStateException("the model gave " + f.describe() + " for " + n + " inputs");
        Tensor f32 = f.to(Device.CPU, DType.F32);
        return f32.div(f32.norm(1, true).clampMin(1e-12)).contiguous().toFloatArray();
    }

    private float[][] rows(float[] flat, int n) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        return out;
    }
}
