package dev.jclip.train;

import dev.jclip.data.Batch;
import dev.jclip.data.ImageTextDataset;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Zero-shot classification with a contrastive model, as in CLIP: per class, embed every prompt,
 * L2-normalize, average, normalize again; an image's class is the argmax of its normalized
 * features against these.
 *
 * <pre>{@code
 * ZeroShotEval zs = ZeroShotEval.build(model, tokenize, classNames, List.of("a photo of a %s"), Device.CPU);
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

    /** The classifier from {@code classNames} and templates with one {@code %s}. */
    public static ZeroShotEval build(ContrastiveModel model, Function<List<String>, Tensor> tokenize, List<String> classNames,
                                     List<String> templates, Device device) {
        if (classNames.isEmpty() || templates.isEmpty()) throw new IllegalArgumentException("need class names and prompt templates");
        model.train(false);
        try (var ng = Torch.noGrad(); Scope s = Scope.open()) {
            List<Tensor> cols = new ArrayList<>();
            for (String c : classNames) {
                List<String> prompts = templates.stream().map(t -> String.format(t, c)).toList();
                Tensor e = model.encodeText(tokenize.apply(prompts).to(device)).to(dev.jclip.torch.DType.F32).normalize(1);
                cols.add(e.mean(0, false).normalize(0));
            }
            Tensor w = s.keep(Torch.stack(cols, 1));
            return new ZeroShotEval(model, w, classNames.size(), device);
        }
    }

    /** Evaluates every example of {@code data} (labels must be class indices). */
    public Result evaluate(ImageTextDataset data, int batchSize) {
        int bs = Math.min(batchSize, data.size());
        double[][] sim = new double[classes][classes];
        long[] count = new long[classes], right = new long[classes];
        long correct = 0, total = 0;
        model.train(false);
        for (int start = 0; start < data.size(); start += bs) {
            // Examples are prepared in parallel (common pool), in index order.
            List<dev.jclip.data.Example> ex = java.util.stream.IntStream.range(start, Math.min(data.size(), start + bs))
                    .parallel().mapToObj(data::get).toList();
            Batch batch = Batch.of(ex, data.imageSize());
            correct += score(batch, sim, count, right);
            total += batch.count();
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
