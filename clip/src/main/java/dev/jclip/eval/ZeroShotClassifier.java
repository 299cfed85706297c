package dev.jclip.eval;

import dev.jclip.model.ContrastiveModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Zero-shot classification as in openai/CLIP's ImageNet notebook: for each class, every prompt
 * template is filled with the class name and embedded; the embeddings are L2-normalised,
 * averaged and L2-normalised again, giving one unit vector per class (the "classifier weights").
 * An image is scored with {@code logits = 100 * normalize(image_features) . weights}; softmax
 * over the classes gives the probabilities. The weights are plain float32 on the host, so they
 * can be cached ({@link ClassifierCache}) and reused without the text tower.
 *
 * <pre>{@code
 * ZeroShotClassifier zs = ZeroShotClassifier.build(model, tokenizer,
 *         List.of("a diagram", "a dog", "a cat"), PromptTemplates.single(), 256);
 * List<ZeroShotClassifier.Prediction> top = zs.topK(imageFeatures, 3).getFirst();
 * top.getFirst().className();   // "a diagram"
 * }</pre>
 */
public final class ZeroShotClassifier {
    /** openai/CLIP's fixed logit scale for zero-shot (its trained {@code logit_scale.exp()} is clamped to 100). */
    public static final double LOGIT_SCALE = 100.0;

    /** One ranked class for one image: index, name, probability (softmax of the logits) and logit. */
    public record Prediction(int classIndex, String className, double probability, double logit) {}

    private final List<String> classes;
    private final Features weights;

    /** Classifier over {@code classes} with unit-norm weight rows {@code [classes, D]}. */
    public ZeroShotClassifier(List<String> classes, Features weights) {
        if (classes.isEmpty()) throw new IllegalArgumentException("empty class list");
        if (weights.rows() != classes.size()) {
            throw new IllegalArgumentException(classes.size() + " classes but " + weights.rows() + " weight rows");
        }
        this.classes = List.copyOf(classes);
        this.weights = weights;
    }

    /**
     * Embeds every (class, template) prompt with {@code model}'s text tower, {@code batch} prompts
     * per forward pass, and builds the class weights.
     */
    public static ZeroShotClassifier build(ContrastiveModel model, PromptTokenizer tokenizer, List<String> classes,
                                           PromptTemplates templates, int batch) {
        if (classes.isEmpty()) throw new IllegalArgumentException("empty class list");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        List<String> prompts = new ArrayList<>(classes.size() * templates.size());
        for (String c : classes) prompts.addAll(templates.apply(c));
        return fromPrompts(classes, TextEmbedder.embed(model, tokenizer, prompts, batch), templates.size());
    }

    /**
     * The classifier from prompt embeddings already computed (e.g. by a server that batches text
     * requests): rows class-major, {@code templatesPerClass} per class; they are L2-normalised here.
     */
    public static ZeroShotClassifier fromPrompts(List<String> classes, Features prompts, int templatesPerClass) {
        if (classes.isEmpty()) throw new IllegalArgumentException("empty class list");
        int t = templatesPerClass;
        if (t < 1 || prompts.rows() != classes.size() * t) {
            throw new IllegalArgumentException(prompts.rows() + " prompt embeddings for " + classes.size() + " classes x " + t + " templates");
        }
        Features e = prompts.normalized();
        int dim = e.dim();
        float[] out = new float[classes.size() * dim];
        double[] acc = new double[dim];
        for (int c = 0; c < classes.size(); c++) {
            // Mean of the class's unit prompt embeddings, then renormalised.
            java.util.Arrays.fill(acc, 0);
            for (int r = c * t; r < (c + 1) * t; r++) {
                for (int j = 0; j < dim; j++) acc[j] += e.data()[r * dim + j] / (double) t;
            }
            normalizeInto(acc, out, c * dim);
        }
        return new ZeroShotClassifier(classes, new Features(out, classes.size(), dim));
    }

    private static void normalizeInto(double[] v, float[] dst, int off) {
        // The mean rounded to float32 (the reference keeps it as a float32 tensor), then divided by its norm.
        float[] mean = new float[v.length];
        double s = 0;
        for (int j = 0; j < v.length; j++) { mean[j] = (float) v[j]; s += (double) mean[j] * mean[j]; }
        double n = Math.max(Math.sqrt(s), 1e-12);
        for (int j = 0; j < v.length; j++) dst[off + j] = (float) (mean[j] / n);
    }

    /** Cosine similarities {@code normalize(images) @ weights^T}: {@code [images.rows, classes]} row-major. */
    public float[] similarities(Features imageFeatures) {
        if (imageFeatures.dim() != weights.dim()) {
            throw new IllegalArgumentException("image features have " + imageFeatures.dim() + " dimensions, the classifier "
                    + weights.dim() + " (features from another model?)");
        }
        return imageFeatures.normalized().dotT(weights);
    }

    /** {@code 100 * normalize(images) @ weights^T}: {@code [images.rows, classes]} row-major. */
    public float[] logits(Features imageFeatures) {
        float[] sim = similarities(imageFeatures);
        for (int i = 0; i < sim.length; i++) sim[i] = (float) (LOGIT_SCALE * sim[i]);
        return sim;
    }

    /** Softmax of {@link #logits} per row. */
    public float[] probabilities(Features imageFeatures) {
        float[] l = logits(imageFeatures);
        softmaxRows(l, classes.size());
        return l;
    }

    /** The {@code k} most probable classes per image, best first. */
    public List<List<Prediction>> topK(Features imageFeatures, int k) {
        if (k < 1) throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        int c = classes.size(), kk = Math.min(k, c);
        float[] logits = logits(imageFeatures);
        float[] probs = logits.clone();
        softmaxRows(probs, c);
        List<List<Prediction>> out = new ArrayList<>();
        for (int i = 0; i < imageFeatures.rows(); i++) {
            Integer[] order = new Integer[c];
            for (int j = 0; j < c; j++) order[j] = j;
            int base = i * c;
            Arrays.sort(order, (a, b) -> Float.compare(logits[base + b], logits[base + a])); // stable: ties keep class order
            List<Prediction> row = new ArrayList<>(kk);
            for (int r = 0; r < kk; r++) {
                int j = order[r];
                row.add(new Prediction(j, classes.get(j), probs[base + j], logits[base + j]));
            }
            out.add(row);
        }
        return out;
    }

    static void softmaxRows(float[] v, int c) {
        for (int i = 0; i < v.length / c; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < c; j++) max = Math.max(max, v[i * c + j]);
            double[] e = new double[c];
            for (int j = 0; j < c; j++) { e[j] = Math.exp(v[i * c + j] - max); sum += e[j]; }
            for (int j = 0; j < c; j++) v[i * c + j] = (float) (e[j] / sum);
        }
    }

    public List<String> classes() { return classes; }

    /** Unit-norm class weights {@code [classes, D]}. */
    public Features weights() { return weights; }
}
