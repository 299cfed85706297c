package dev.jclip.eval;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.data.LabelledImages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.PreprocessBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation harness behind {@code clip eval}: on a labelled test set, zero-shot top-1/top-K
 * and per-class accuracy (prompt ensemble over the class names); with a training set, the
 * linear-probe accuracy ({@link LinearProbe} on L2-normalised frozen image features); plus the
 * data for the pictures: the zero-shot confusion matrix and an image-text similarity matrix
 * (one test image per class against the class prompts, as in the CLIP README's notebook).
 * Images that fail to decode are skipped and counted.
 *
 * <pre>{@code
 * Evaluation.Report r = new Evaluation(model, tokenizer).run(train, test);
 * System.out.println(r.summary());
 * r.write(Path.of("eval-out"));   // report.json (the command line also draws the confusion and similarity PNGs)
 * }</pre>
 */
public final class Evaluation {
    /** Everything measured, plus what the pictures need. */
    public record Report(String dataset, int testImages, List<PreprocessBatch.Failure> skipped, PromptTemplates templates,
                         ClassificationMetrics zeroShot, ClassificationMetrics linearProbe, LinearProbe.Report probe,
                         float[] similarity, List<String> similarityImages, List<String> similarityTexts,
                         Map<String, Double> seconds) {
        /** A few lines for the terminal. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%s: %d test images (%d skipped), %d classes, %d template(s)%n", dataset, testImages,
                    skipped.size(), zeroShot.classes().size(), templates.size()));
            sb.append(String.format("zero-shot     top-1 %6.2f%%  top-%d %6.2f%%  mean per-class %6.2f%%%n",
                    100 * zeroShot.top1(), zeroShot.k(), 100 * zeroShot.topK(), 100 * zeroShot.meanPerClassAccuracy()));
            if (linearProbe != null) {
                sb.append(String.format("linear probe  top-1 %6.2f%%  (C = %.3g chosen on a validation split, %d fits)%n",
                        100 * linearProbe.top1(), probe.bestC(), probe.sweep().size() + 1));
            }
            sb.append("per-class accuracy (zero-shot").append(linearProbe != null ? " / linear probe" : "").append("):\n");
            for (int c = 0; c < zeroShot.classes().size(); c++) {
                sb.append(String.format("  %-24s %6.2f%%", zeroShot.classes().get(c), 100 * zeroShot.perClassAccuracy()[c]));
                if (linearProbe != null) sb.append(String.format("  %6.2f%%", 100 * linearProbe.perClassAccuracy()[c]));
                sb.append(String.format("  (n=%d)%n", zeroShot.perClassCount()[c]));
            }
            return sb.toString();
        }

        /** Writes {@code report.json} into {@code dir} (atomically); returns its path. */
        public Path write(Path dir) {
            Path json = dir.resolve("report.json");
            dev.jclip.io.AtomicFile.write(json, toJson().getBytes(StandardCharsets.UTF_8));
            return json;
        }

        public String toJson() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("dataset", dataset);
            o.put("test_images", testImages);
            o.put("skipped", skipped.stream().map(f -> Map.of("file", f.file().toString(), "reason", f.reason())).toList());
            o.put("templates", templates.templates());
            o.put("zero_shot", metrics(zeroShot));
            if (linearProbe != null) {
                Map<String, Object> lp = metrics(linearProbe);
                lp.put("C", probe.bestC());
                lp.put("sweep", probe.sweep().stream().map(t -> Map.of("C", t.c(), "validation_accuracy", t.validationAccuracy())).toList());
                o.put("linear_probe", lp);
            }
            o.put("seconds", seconds);
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static Map<String, Object> metrics(ClassificationMetrics m) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("top1", m.top1());
            o.put("top" + m.k(), m.topK());
            o.put("mean_per_class", m.meanPerClassAccuracy());
            Map<String, Object> per = new LinkedHashMap<>();
            for (int c = 0; c < m.classes().size(); c++) per.put(m.classes().get(c) + (per.containsKey(m.classes().get(c)) ? "#" + c : ""),
                    Double.isNaN(m.perClassAccuracy()[c]) ? null : m.perClassAccuracy()[c]);
            o.put("per_class", per);
            o.put("confusion", m.confusion());
            return o;
        }
    }

    private final ContrastiveModel model;
    private final PromptTokenizer tokenizer;
    private PromptTemplates templates = PromptTemplates.of(List.of("a photo of a {}."));
    private ClipPreprocess preprocess;
    private int batch = 64;
    private int topK = 5;
    private LinearProbe probe = new LinearProbe();
    private dev.jclip.progress.ProgressListener progress = dev.jclip.progress.ProgressListener.NONE;

    public Evaluation(ContrastiveModel model, PromptTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** The image transform (default: CLIP's at the model's resolution); see {@link EvalModel#preprocess()}. */
    public Evaluation preprocess(ClipPreprocess p) { this.preprocess = p; return this; }

    /** Zero-shot prompt templates (default {@code "a photo of a {}."}). */
    public Evaluation templates(PromptTemplates t) { this.templates = t; return this; }

    public Evaluation batch(int b) { this.batch = b; return this; }

    public Evaluation topK(int k) { this.topK = k; return this; }

    public Evaluation probe(LinearProbe p) { this.probe = p; return this; }

    /** Reports embedding progress to {@code listener}. */
    public Evaluation progress(dev.jclip.progress.ProgressListener listener) { this.progress = listener; return this; }

    /** Runs zero-shot on {@code test} and, when {@code train} is not null, the linear probe. */
    public Report run(String dataset, LabelledImages train, LabelledImages test) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        List<String> classes = test.classes();
        ZeroShotClassifier zs = ZeroShotClassifier.build(model, tokenizer, classes, templates, batch);
        seconds.put("text_tower", (System.nanoTime() - t0) / 1e9);

        t0 = System.nanoTime();
        ImageEmbedder emb = (preprocess == null ? new ImageEmbedder(model, batch) : new ImageEmbedder(model, preprocess, batch))
                .progress(progress);
        ImageEmbedder.Result te = emb.embed(test);
        seconds.put("embed_test", (System.nanoTime() - t0) / 1e9);
        if (te.features().rows() == 0) throw new IllegalArgumentException(dataset + ": no test image could be read");
        int[] testY = pick(test.labels(), te.kept());
        ClassificationMetrics zsm = ClassificationMetrics.of(zs.logits(te.features()), testY, classes, topK);

        ClassificationMetrics lpm = null;
        LinearProbe.Report lp = null;
        List<PreprocessBatch.Failure> skipped = new ArrayList<>(te.failures());
        if (train != null) {
            if (!train.classes().equals(classes)) {
                throw new IllegalArgumentException(dataset + ": training classes " + train.classes() + " differ from test classes " + classes);
            }
            t0 = System.nanoTime();
            ImageEmbedder.Result tr = emb.embed(train);
            seconds.put("embed_train", (System.nanoTime() - t0) / 1e9);
            skipped.addAll(tr.failures());
            t0 = System.nanoTime();
            lp = probe.run(tr.features().normalized(), pick(train.labels(), tr.kept()), te.features().normalized(), testY, classes.size());
            seconds.put("linear_probe", (System.nanoTime() - t0) / 1e9);
            lpm = ClassificationMetrics.ofPredictions(lp.testPredictions(), testY, classes);
        }

        // Similarity picture: the first readable test image of each class (at most 12) vs. the class prompts.
        List<Integer> rows = new ArrayList<>();
        List<String> rowNames = new ArrayList<>();
        boolean[] seen = new boolean[classes.size()];
        for (int k = 0; k < testY.length && rows.size() < 12; k++) {
            if (!seen[testY[k]]) { seen[testY[k]] = true; rows.add(k); rowNames.add(shortName(test.name(te.kept()[k])) + " (" + classes.get(testY[k]) + ")"); }
        }
        int nCols = Math.min(classes.size(), 12);
        Features imgs = te.features().select(rows.stream().mapToInt(Integer::intValue).toArray());
        Features texts = zs.weights().select(java.util.stream.IntStream.range(0, nCols).toArray());
        float[] sim = imgs.normalized().dotT(texts);
        List<String> colNames = new ArrayList<>();
        for (int c = 0; c < nCols; c++) colNames.add(templates.size() == 1 ? templates.apply(classes.get(c)).getFirst() : classes.get(c));
        return new Report(dataset, te.features().rows(), skipped, templates, zsm, lpm, lp, sim, rowNames, colNames, seconds);
    }

    private static String shortName(String name) {
        int slash = name.lastIndexOf('/');
        return slash >= 0 ? name.substring(slash + 1) : name;
    }

    static int[] pick(int[] a, int[] index) {
        int[] out = new int[index.length];
        for (int k = 0; k < index.length; k++) out[k] = a[index[k]];
        return out;
    }
}
