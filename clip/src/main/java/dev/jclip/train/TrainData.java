package dev.jclip.train;

import dev.jclip.data.BatchSource;
import dev.jclip.data.CaptionedFiles;
import dev.jclip.data.DataLoader;
import dev.jclip.data.FashionMnist;
import dev.jclip.data.ImageTextDataset;
import dev.jclip.data.ShapesDataset;
import dev.jclip.data.WebDataset;
import dev.jclip.image.ClipPreprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training data a {@link TrainJob} names with {@code --data}, opened once: a data set (or
 * WebDataset shards), its fingerprint (what a resumed run checks: the pairs' paths and captions,
 * or the shards' names and sizes), and loaders for a given start step and rank.
 *
 * <pre>{@code
 * TrainData d = TrainData.open(options, preprocess, false, false);
 * try (BatchSource src = d.loader(options, trainer.step(), 0, 1)) { ... }
 * }</pre>
 *
 * @param dataset     the pairs (null for WebDataset shards)
 * @param shards      the shards (null otherwise)
 * @param preprocess  the model's transform
 * @param fingerprint what identifies the data
 */
record TrainData(ImageTextDataset dataset, List<Path> shards, ClipPreprocess preprocess, String fingerprint) {
    static TrainData open(TrainOptions o, ClipPreprocess preprocess, boolean synthetic, boolean fashion) {
        if (synthetic) {
            return new TrainData(new ShapesDataset(preprocess.size(), ShapesDataset.Split.TRAIN, 1_000_000, o.seed), null, preprocess, "synthetic shapes");
        }
        if (fashion) {
            if (!FashionMnist.available(o.fashionDir)) {
                throw new IllegalArgumentException("Fashion-MNIST not found in " + o.fashionDir + " (apt-get install dataset-fashion-mnist)");
            }
            return new TrainData(FashionMnist.load(o.fashionDir, FashionMnist.Split.TRAIN).captioned(preprocess, o.seed), null, preprocess,
                    "fashion-mnist train split, 60000 pairs");
        }
        if (o.data.endsWith(".tar") || o.data.contains("{")) {
            List<Path> shards = WebDataset.expand(o.data);
            StringBuilder b = new StringBuilder(shards.size() + " shards");
            for (Path p : shards) {
                try {
                    b.append(' ').append(p.getFileName()).append(':').append(Files.size(p));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read shard " + p + ": " + e.getMessage(), e);
                }
            }
            return new TrainData(null, shards, preprocess, b.toString());
        }
        CaptionedFiles ds = CaptionedFiles.open(Path.of(o.data), preprocess);
        return new TrainData(ds, null, preprocess, ds.fingerprint());
    }

    /** Batches from step {@code firstStep} on, this rank's share ({@code perm[rank::world]}, shards by rank). */
    BatchSource loader(TrainOptions o, long firstStep, int rank, int world) {
        if (shards != null) {
            if (firstStep > 0 && rank == 0) o.progress.note("note: WebDataset streams are not resumed at the exact sample (order depends on threads)");
            return new WebDataset(shards, preprocess, o.batch, o.seed, rank, world, Math.max(1, o.workers), 1000);
        }
        return new DataLoader(dataset, new DataLoader.Options(o.batch, o.seed, rank, world, Math.max(1, o.workers), 4, firstStep));
    }
}
