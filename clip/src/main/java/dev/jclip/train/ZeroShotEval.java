package dev.jclip.train;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.data.Batch;
import dev.jclip.data.ImageTextDataset;
import dev.jclip.eval.Features;
import dev.jclip.eval.PromptTemplates;
import dev.jclip.eval.ZeroShotClassifier;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;
import java.util.function.Function;

/**
 * Zero-shot classification of a labelled {@link ImageTextDataset} with a model in training: the
 * class weights are {@link ZeroShotClassifier}'s (per class, every prompt embedded, L2-normalised,
 * averaged, normalised again: the same code as {@code clip eval}); an image's class is the argmax
 * of the cosine similarities {@link ZeroShotClassifier#similarities} gives, the same scores as
 * {@code clip eval}, so a training run's figure and a later {@code clip eval} of its checkpoint agree.
 *
 * <pre>{@code
 * ZeroShotEval zs = ZeroShotEval.build(model, tokenize, classNames, List.of("a photo of a {}"), Device.CPU);
 * ZeroShotEval.Result r = zs.evaluate(testSet, 256);
 * }</pre>
 */
public final class ZeroShotEval implements AutoCloseable {
    /** Top-1 accuracy, and the mean cosine similarity of images of each true class (rows) to each class (cols). */
    public record Result(double top1, long correct, long total, double[][] meanSimilarity, long[] perClassCount, long[] perClassCorrect) {
        /** Top-1 over the images of the given classes only. */
        public double top1Of(List<Integer> classes) {
            long c = 0, n = 0;
            for (int k : classes) { c += perClassCorrect[k]; n += perClassCount[k]; }
            return n == 0 ? Double.NaN : (double) c / n;
        }
    }

    private final ContrastiveModel model;
    private final ZeroShotClassifier classifier;
    private final Device device;

    private ZeroShotEval(ContrastiveModel model, ZeroShotClassifier classifier, Device device) {
        this.model = model;
        this.classifier = classifier;
        this.device = device;
    }

    /** The classifier from {@code classNames} and templates ({@code {}} = class name, as {@link PromptTemplates}). */
    public static ZeroShotEval build(ContrastiveModel model, Function<List<String>, Tensor> tokenize, List<String> classNames,
                                     List<String> templates, Device device) {
        if (classNames.isEmpty() || templates.isEmpty()) throw new IllegalArgumentException("need class names and prompt templates");
        model.train(false);
        ZeroShotClassifier zs = ZeroShotClassifier.build(model, tokenize::apply, classNames, PromptTemplates.of(templates), 256);
        return new ZeroShotEval(model, zs, device);
    }

    /** Evaluates every example of {@code data} (labels must be class indices). */
    public Result evaluate(ImageTextDataset data, int batchSize) {
        return evaluate(data, batchSize, dev.jclip.progress.ProgressListener.NONE);
    }

    /** As {@link #evaluate(ImageTextDataset, int)}, reporting the images done to {@code progress}. */
    public Result evaluate(ImageTextDataset data, int batchSize, dev.jclip.progress.ProgressListener progress) {
        int bs = Math.min(batchSize, data.size());
        int classes = classifier.classes().size();
        double[][] sim = new double[classes][classes];
        long[] count = new long[classes], right = new long[classes];
        long correct = 0, total = 0;
        model.train(false);
        try (dev.jclip.progress.ProgressTracker bar = progress.track("zero-shot eval", "images", data.size(), 0)) {
            for (int start = 0; start < data.size(); start += bs) {
                // Examples are prepared in parallel (common pool), in index order.
                List<dev.jclip.data.Example> ex = java.util.stream.IntStream.range(start, Math.min(data.size(), start + bs))
                        .parallel().mapToObj(data::get).toList();
                Batch batch = Batch.of(ex, data.imageSize());
                correct += score(batch, sim, count, right);
                total += batch.count();
                bar.to(total, String.format(java.util.Locale.ROOT, "top-1 so far %.2f %%", 100.0 * correct / total));
            }
        }
        for (int i = 0; i < classes; i++) for (int j = 0; j < classes; j++) if (count[i] > 0) sim[i][j] /= count[i];
        return new Result((double) correct / total, correct, total, sim, count, right);
    }

    private long score(Batch batch, double[][] sim, long[] count, long[] right) {
        Features f;
        try (var ng = Torch.noGrad(); Scope s = Scope.open()) {
            Tensor t = model.encodeImage(batch.images(device)).to(Device.CPU, DType.F32).contiguous();
            f = new Features(t.toFloatArray(), (int) t.size(0), (int) t.size(1));
        }
        int classes = sim.length;
        float[] cos = classifier.similarities(f);                 // [n, C], the scorer `clip eval` uses
        long ok = 0;
        int[] labels = batch.labels();
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i];
            if (y < 0 || y >= classes) throw new IllegalArgumentException("example label " + y + " is not a class index in [0, " + classes + ")");
            int pred = 0;
            for (int j = 1; j < classes; j++) if (cos[i * classes + j] > cos[i * classes + pred]) pred = j;
            count[y]++;
            if (pred == y) { ok++; right[y]++; }
            for (int j = 0; j < classes; j++) sim[y][j] += cos[i * classes + j];
        }
        return ok;
    }

    /** The class weights this evaluation scores against. */
    public ZeroShotClassifier classifier() { return classifier; }

    /** Nothing native is held (the class weights live on the host); kept so callers can use try-with-resources. */
    @Override public void close() {}
}
