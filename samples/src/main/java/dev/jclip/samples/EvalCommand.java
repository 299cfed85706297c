package dev.jclip.samples;

import dev.jclip.data.FashionMnist;
import dev.jclip.eval.EvalModel;
import dev.jclip.eval.Evaluation;
import dev.jclip.eval.Features;
import dev.jclip.data.CaptionFolder;
import dev.jclip.eval.ImageEmbedder;
import dev.jclip.data.LabelledFolder;
import dev.jclip.data.LabelledImages;
import dev.jclip.eval.LinearProbe;
import dev.jclip.eval.PromptTemplates;
import dev.jclip.eval.Retrieval;
import dev.jclip.data.Subset;
import dev.jclip.eval.TextEmbedder;
import dev.jclip.image.PreprocessBatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clip eval --checkpoint F (--dataset fashion-mnist | --folder ROOT | --captions DIR) [--out DIR]}:
 * zero-shot top-1/top-K, linear-probe and per-class accuracy, confusion-matrix and similarity
 * PNGs on a labelled data set; or recall@1/5/10 both ways on an image-caption folder.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a CLIP checkpoint: zero-shot and linear-probe accuracy with pictures, or image-text retrieval.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin CheckpointOptions ckpt;


    static final class Data {
        @Option(names = "--dataset", description = "A known data set: fashion-mnist (IDX files of the Debian package dataset-fashion-mnist).")
        String dataset;
        @Option(names = "--folder", paramLabel = "ROOT", description = "Labelled images ROOT/<class>/<image> (split into train/test unless --train is given).")
        Path folder;
        @Option(names = "--captions", paramLabel = "DIR", description = "Image-caption pairs x.jpg + x.txt: retrieval recall@1/5/10.")
        Path captions;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Data data;

    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist", description = "Fashion-MNIST folder (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--train", paramLabel = "ROOT", description = "Labelled training folder for the linear probe (with --folder).") Path train;

    @Option(names = "--test-fraction", defaultValue = "0.5", description = "Share of --folder used as test set when no --train (default ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--limit", description = "Use at most N test images.") Integer limit;

    @Option(names = "--train-limit", defaultValue = "10000", description = "Use at most N training images for the linear probe (default ${DEFAULT-VALUE}).")
    int trainLimit;

    @Option(names = "--no-probe", description = "Skip the linear probe.") boolean noProbe;

    @Option(names = "--c-steps", defaultValue = "13", description = "Log-spaced C values in [1e-6, 1e6] before refining (default ${DEFAULT-VALUE}).")
    int cSteps;

    @Option(names = "--templates", description = "Prompt-template file ({} = class name); default: fashion-mnist's own templates, else \"a photo of a {}.\".") Path templates;

    @Option(names = "--top", defaultValue = "5", description = "K of the top-K accuracy (default ${DEFAULT-VALUE}).") int top;

    @Option(names = "--out", defaultValue = "eval-out", description = "Folder for report.json and the PNGs (default ${DEFAULT-VALUE}).") Path out;

    @Option(names = "--batch", defaultValue = "128", description = "Images per forward pass (default ${DEFAULT-VALUE}).") int batch;

    /** Every file eval writes into --out (what the output guard checks against the inputs). */
    static final String[] WRITES = {"report.json", "confusion_zeroshot.png", "confusion_linear_probe.png", "similarity.png", "retrieval.json"};

    @Override public Integer call() {
        if (batch < 1 || top < 1 || trainLimit < 1 || (limit != null && limit < 1)) {
            throw new IllegalArgumentException("--batch, --top, --train-limit and --limit must be >= 1");
        }
        new OutputFolder(out, "--out").input("--checkpoint", ckpt.checkpoint).input("--vocab", ckpt.vocab).input("--templates", templates)
                .folder("--folder", data.folder).folder("--train", train).folder("--captions", data.captions)
                .folder("--data-dir", data.dataset != null ? dataDir : null).writes(WRITES).refuse();
        try (EvalModel m = ckpt.open()) {
            if (data.captions != null) return retrieval(m);
            LabelledImages trainSet, testSet;
            String name;
            if (data.dataset != null) {
                if (!data.dataset.equalsIgnoreCase("fashion-mnist")) {
                    throw new IllegalArgumentException("unknown --dataset '" + data.dataset + "' (known: fashion-mnist; or use --folder)");
                }
                name = "Fashion-MNIST";
                testSet = FashionMnist.load(dataDir, FashionMnist.Split.TEST);
                trainSet = noProbe ? null : Subset.head(FashionMnist.load(dataDir, FashionMnist.Split.TRAIN), trainLimit);
            } else {
                name = data.folder.getFileName().toString();
                LabelledFolder folder = LabelledFolder.scan(data.folder);
                if (train != null) {
                    testSet = folder;
                    trainSet = noProbe ? null : LabelledFolder.scan(train);
                } else if (noProbe) {
                    testSet = folder;
                    trainSet = null;
                } else {
                    LabelledImages[] parts = Subset.split(folder, testFraction, 0);
                    trainSet = parts[0];
                    testSet = parts[1];
                }
            }
            if (limit != null) testSet = Subset.head(testSet, limit);
            Evaluation ev = new Evaluation(m.model(), m.promptTokenizer()).batch(batch).topK(top).progress(ConsoleProgress.create("auto", "10s"))
                    .probe(new LinearProbe().sweep(1e-6, 1e6, cSteps)).preprocess(m.preprocess());
            if (templates != null) ev.templates(PromptTemplates.read(templates));
            else if (data.dataset != null) ev.templates(PromptTemplates.of(FashionMnist.TEMPLATES));
            Evaluation.Report r = ev.run(name, trainSet, testSet);
            for (PreprocessBatch.Failure f : r.skipped()) System.err.println("skipped " + f.file() + ": " + f.reason());
            System.out.print(r.summary());
            for (Path p : Heatmaps.evaluation(r, out)) System.out.println("wrote " + p);
            System.out.println("wrote " + r.write(out));
            return 0;
        }
    }

    private int retrieval(EvalModel m) {
        CaptionFolder pairs = CaptionFolder.scan(data.captions);
        ImageEmbedder.Result img = new ImageEmbedder(m.model(), m.preprocess(), batch).progress(ConsoleProgress.create("auto", "10s")).embedFiles(pairs.images());
        for (PreprocessBatch.Failure f : img.failures()) System.err.println("skipped " + f.file() + ": " + f.reason());
        if (img.features().rows() == 0) throw new IllegalArgumentException(data.captions + ": no image could be read");
        // Captions of skipped images are dropped; the rest point at the kept images' new positions.
        int[] newIndex = new int[pairs.images().size()];
        java.util.Arrays.fill(newIndex, -1);
        for (int k = 0; k < img.kept().length; k++) newIndex[img.kept()[k]] = k;
        List<String> captions = new ArrayList<>();
        List<Integer> link = new ArrayList<>();
        int[] old = pairs.imageOfCaption();
        for (int j = 0; j < old.length; j++) {
            if (newIndex[old[j]] >= 0) { captions.add(pairs.captions().get(j)); link.add(newIndex[old[j]]); }
        }
        Features txt = TextEmbedder.embed(m.model(), m.promptTokenizer(), captions, batch);
        Retrieval.Report r = Retrieval.evaluate(img.features(), txt, link.stream().mapToInt(Integer::intValue).toArray(), 1, 5, 10);
        System.out.printf("%s: %d images, %d captions (%d unpaired files ignored)%n", data.captions, r.images(), r.texts(), pairs.unpaired());
        System.out.println(r.summary());
        int n = Math.min(12, r.images()), c = Math.min(12, r.texts());
        float[] sim = new float[n * c];
        for (int i = 0; i < n; i++) System.arraycopy(r.similarity(), i * r.texts(), sim, i * c, c);
        List<String> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) rows.add(pairs.images().get(img.kept()[k]).getFileName().toString());
        Path png = out.resolve("similarity.png");
        Heatmaps.similarity(sim, rows, captions.subList(0, c), "cosine similarity, image vs. caption", png);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("images", r.images());
        o.put("captions", r.texts());
        o.put("image_to_text", r.imageToText());
        o.put("text_to_image", r.textToImage());
        o.put("skipped", img.failures().stream().map(f -> f.file().toString()).toList());
        Path json = out.resolve("retrieval.json");
        dev.jclip.io.AtomicFile.write(json, Json.string(o).getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + png + "\nwrote " + json);
        return img.failures().isEmpty() ? 0 : 1;
    }
}
