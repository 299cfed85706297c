package dev.jclip.eval;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.data.LabelledImages;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.image.PreprocessBatch;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import dev.jclip.progress.ProgressListener;
import dev.jclip.progress.ProgressTracker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Images to CLIP image features in batches: the exact reference preprocessing
 * ({@link ClipPreprocess} at the model's resolution), {@code batch} images per forward pass on
 * the model's device and dtype, features copied back as float32 (unnormalised). Files that
 * cannot be decoded are skipped and returned as failures ({@link PreprocessBatch}); the rest are
 * embedded.
 *
 * <pre>{@code
 * ImageEmbedder emb = new ImageEmbedder(model, 64);
 * ImageEmbedder.Result r = emb.embedFiles(files);
 * r.failures().forEach(f -> System.err.println("skipped " + f.file() + ": " + f.reason()));
 * Features f = r.features();        // one row per kept file, r.kept() gives their indices
 * }</pre>
 */
public final class ImageEmbedder {
    /** Features of the images that decoded, the input indices they came from, and the failures. */
    public record Result(Features features, int[] kept, List<PreprocessBatch.Failure> failures) {}

    private final ContrastiveModel model;
    private final ClipPreprocess preprocess;
    private final int batch;
    private ProgressListener progress = ProgressListener.NONE;

    public ImageEmbedder(ContrastiveModel model, int batch) {
        this(model, new ClipPreprocess(model.imageResolution()), batch);
    }

    /** With the transform the model was trained with ({@link EvalModel#preprocess()}). */
    public ImageEmbedder(ContrastiveModel model, ClipPreprocess preprocess, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (preprocess.size() != model.imageResolution()) {
            throw new IllegalArgumentException("the transform makes " + preprocess.size() + " px images, the model takes " + model.imageResolution() + " px");
        }
        this.model = model;
        this.preprocess = preprocess;
        this.batch = batch;
    }

    /** Reports images embedded so far to {@code listener} (the command line draws a bar or writes log lines). */
    public ImageEmbedder progress(ProgressListener listener) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        return this;
    }

    /** Embeds image files in order; bad files are skipped and reported in the result. */
    public Result embedFiles(List<Path> files) {
        Batcher b = new Batcher(files.size(), "embedding images");
        List<Integer> kept = new ArrayList<>();
        int[] index = {0};
        // PreprocessBatch keeps input order; map each accepted file back to its input position.
        PreprocessBatch.Result r = PreprocessBatch.run(preprocess, files, (file, chw) -> {
            while (!files.get(index[0]).equals(file)) index[0]++;
            kept.add(index[0]++);
            b.add(chw);
        });
        b.finish(r.failures().size());
        return new Result(b.features(), kept.stream().mapToInt(Integer::intValue).toArray(), r.failures());
    }

    /** Embeds every item of {@code set} (decode failures skipped and reported). Preprocessing runs in parallel per batch. */
    public Result embed(LabelledImages set) {
        Batcher b = new Batcher(set.size(), "embedding images");
        List<PreprocessBatch.Failure> failures = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int from = 0; from < set.size(); from = (int) Math.min((long) from + batch, set.size())) { // no int overflow for huge batches
            int n = Math.min(batch, set.size() - from);
            float[][] chw = new float[n][];
            String[] error = new String[n];
            int base = from;
            IntStream.range(0, n).parallel().forEach(k -> {
                try {
                    chw[k] = preprocess.preprocess(set.image(base + k));
                } catch (ImageDecodeException e) {
                    error[k] = e.reason();
                }
            });
            for (int k = 0; k < n; k++) {
                if (chw[k] == null) {
                    failures.add(new PreprocessBatch.Failure(Path.of(set.name(base + k)), error[k]));
                } else {
                    kept.add(base + k);
                    b.add(chw[k]);
                }
            }
        }
        b.finish(failures.size());
        return new Result(b.features(), kept.stream().mapToInt(Integer::intValue).toArray(), failures);
    }

    /** Embeds already preprocessed images {@code [B, 3, R, R]} (any device); features float32 on the host. */
    public Features embed(Tensor images) {
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor f = model.encodeImage(images.to(model.device(), model.dtype())).to(Device.CPU, DType.F32);
            long[] shape = f.shape();
            return new Features(f.contiguous().toFloatArray(), (int) shape[0], (int) shape[1]);
        }
    }

    /** Collects CHW images into batches, runs the image tower on each full batch and gathers features. */
    private final class Batcher {
        private final int r = preprocess.size();
        private final float[] buf = new float[batch * preprocess.floatsPerImage()];
        private final List<float[]> out = new ArrayList<>();
        private final ProgressTracker bar;
        private int filled, dim = -1, rows;

        Batcher(int total, String task) {
            bar = progress.track(task, "images", total, 0);
        }

        void add(float[] chw) {
            System.arraycopy(chw, 0, buf, filled * chw.length, chw.length);
            if (++filled == batch) flush();
        }

        void flush() {
            if (filled == 0) return;
            float[] data = filled == batch ? buf : java.util.Arrays.copyOf(buf, filled * preprocess.floatsPerImage());
            try (Scope s = Scope.open()) {
                Features f = embed(Torch.of(data, filled, 3, r, r));
                dim = f.dim();
                rows += f.rows();
                out.add(f.data());
            }
            bar.advance(filled);
            filled = 0;
        }

        void finish(int skipped) {
            flush();
            if (skipped > 0) bar.advance(skipped);
            bar.close();
        }

        Features features() {
            if (rows == 0) return new Features(new float[0], 0, Math.max(dim, 0));
            float[] all = new float[rows * dim];
            int off = 0;
            for (float[] a : out) { System.arraycopy(a, 0, all, off, a.length); off += a.length; }
            return new Features(all, rows, dim);
        }
    }
}
