package dev.jclip.train;

import dev.jclip.data.Batch;
import dev.jclip.data.ImageTextDataset;
import dev.jclip.eval.ClipEncoder;
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
 * of its normalized features against these, computed on the model's device.
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
    private final Tensor classifier;  // [D, C]
    private final int classes;
    private final Device device;

    private ZeroShotEval(ContrastiveModel model, Tensor classifier, int classes, Device device) {
        this.model = model;
        this.classifier = classifier;
        this.classes = classes;
        this.device = device;
    }

    /** The classifier from {@code classNames} and templates ({@code {}} = class name, as {@link PromptTemplates}). */
    public static ZeroShotEval build(ContrastiveModel model, Function<List<String>, Tensor> tokenize, List<String> classNames,
                                     List<String> templates, Device device) {
        if (classNames.isEmpty() || templates.isEmpty()) throw new IllegalArgumentException("need class names and prompt templates");
        model.train(false);
        try (var ng = Torch.noGrad(); Scope s = Scope.open()) {
            Features w = ZeroShotClassifier.build(new TextTower(model, device), tokenize::apply, classNames,
                    PromptTemplates.of(templates), 256).weights();
            Tensor t = s.keep(Torch.of(w.data(), w.rows(), w.dim()).t().contiguous().to(device));   // [D, C]
            return new ZeroShotEval(model, t, classNames.size(), device);
        }
    }

    /** The text tower of a model in training as the evaluation package's encoder (images are not needed here). */
    private record TextTower(ContrastiveModel model, Device device) implements ClipEncoder {
        @Override public Tensor encodeText(Tensor tokens) { return model.encodeText(tokens); }
        @Override public Tensor encodeImage(Tensor images) { throw new UnsupportedOperationException("text tower only"); }
        @Override public int imageResolution() { throw new UnsupportedOperationException("text tower only"); }
        @Override public int contextLength() { throw new UnsupportedOperationException("text tower only"); }
        @Override public DType dtype() { return DType.F32; }
    }

    /** Evaluates every example of {@code data} (labels must be class indices). */
    public Result evaluate(ImageTextDataset data, int batchSize) {
        return evaluate(data, batchSize, dev.jclip.progress.ProgressListener.NONE);
    }

    /** As {@link #evaluate(ImageTextDataset, int)}, reporting the images done to {@code progress}. */
    public Result evaluate(ImageTextDataset data, int batchSize, dev.jclip.progress.ProgressListener progress) {
        int bs = Math.min(batchSize, data.size());
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
        try (var ng = Torch.noGrad(); Scope s = Scope.open()) {
            Tensor f = model.encodeImage(batch.images(device)).to(dev.jclip.torch.DType.F32).normalize(1);
            Tensor logits = f.matmul(classifier);                 // [n, C] cosine similarities
            long[] pred = logits.argmax(1, false).toLongArray();
            float[] l = logits.toFloatArray();
            long ok = 0;
            int[] labels = batch.labels();
            for (int i = 0; i < labels.length; i++) {
                int y = labels[i];
                if (y < 0 || y >= classes) throw new IllegalArgumentException("example label " + y + " is not a class index in [0, " + classes + ")");
                count[y]++;
                if (pred[i] == y) { ok++; right[y]++; }
                for (int j = 0; j < classes; j++) sim[y][j] += l[i * classes + j];
            }
            return ok;
        }
    }

    @Override public void close() { classifier.close(); }
}
