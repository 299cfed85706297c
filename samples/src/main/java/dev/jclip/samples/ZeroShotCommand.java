package dev.jclip.samples;

import dev.jclip.eval.ClassNames;
import dev.jclip.eval.ClassifierCache;
import dev.jclip.eval.EvalModel;
import dev.jclip.eval.ImageEmbedder;
import dev.jclip.eval.PromptTemplates;
import dev.jclip.eval.ZeroShotClassifier;
import dev.jclip.image.PreprocessBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clip zero-shot --checkpoint F [--vocab V] --classes FILE|a,b,c [--templates FILE] [--top K]
 * [--json] IMAGES_OR_DIRS...}: classifies images against class names with CLIP's prompt ensemble.
 * Prints a table per image (or one JSON object per line); unreadable images are reported on
 * stderr and the rest classified (exit code 1 when any was skipped). Classifier weights are cached
 * ({@link ClassifierCache}) unless {@code --no-cache}.
 */
@Command(name = "zero-shot", mixinStandardHelpOptions = true,
        description = "Zero-shot classify images against class names (prompt-template ensemble, top-k with probabilities).")
public final class ZeroShotCommand implements Callable<Integer> {
    @Mixin CheckpointOptions ckpt;

    @Option(names = "--classes", required = true, description = "Class-name file (JSON array or one per line) or a comma-separated list.")
    String classes;

    @Option(names = "--templates", description = "Prompt-template file ({} = class name), e.g. imagenet_templates.json; default: the class name alone.")
    Path templates;

    @Option(names = "--top", defaultValue = "5", description = "Classes shown per image (default ${DEFAULT-VALUE}).") int top;

    @Option(names = "--json", description = "One JSON object per image instead of a table.") boolean json;

    @Option(names = "--batch", defaultValue = "64", description = "Images (and prompts) per forward pass.") int batch;

    @Option(names = "--cache", description = "Classifier cache folder (default $JCLIP_CACHE/zeroshot or ~/.cache/jclip/zeroshot).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Always rebuild the classifier weights.") boolean noCache;

    @Parameters(arity = "1..*", paramLabel = "IMAGES_OR_DIRS", description = "Image files and/or folders of images.")
    List<Path> inputs;

    @Override public Integer call() {
        if (top < 1) throw new IllegalArgumentException("--top must be >= 1, got " + top);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        List<String> names = ClassNames.parse(classes);
        PromptTemplates tpl = templates == null ? PromptTemplates.single() : PromptTemplates.read(templates);
        List<Path> files = ImageArgs.expand(inputs);
        if (files.isEmpty()) throw new IllegalArgumentException("no image files in " + inputs);
        try (EvalModel m = ckpt.open()) {
            var build = (java.util.function.Supplier<ZeroShotClassifier>)
                    () -> ZeroShotClassifier.build(m.model(), m.promptTokenizer(), names, tpl, batch);
            ZeroShotClassifier zs;
            if (noCache) {
                zs = build.get();
            } else {
                ClassifierCache cache = new ClassifierCache(cacheDir == null ? ClassifierCache.defaultDir() : cacheDir);
                zs = cache.getOrBuild(ckpt.checkpoint(), m.tokenizerSource() + "|" + ckpt.device + "|" + m.model().dtype() + "|" + m.model().architecture().toJson(), names, tpl, build);
                System.err.println("classifier weights " + (cache.lastWasHit() ? "from cache " : "cached in ") + cache.lastFile());
            }
            ImageEmbedder.Result r = new ImageEmbedder(m.model(), m.preprocess(), batch).progress(files.size() > 4 * batch ? ConsoleProgress.create("auto", "10s") : dev.jclip.progress.ProgressListener.NONE).embedFiles(files);
            for (PreprocessBatch.Failure f : r.failures()) System.err.println("skipped " + f.file() + ": " + f.reason());
            List<List<ZeroShotClassifier.Prediction>> preds = r.features().rows() == 0 ? List.of() : zs.topK(r.features(), top);
            for (int k = 0; k < preds.size(); k++) print(files.get(r.kept()[k]), preds.get(k));
            if (!json) {
                System.out.printf("%d image(s) classified into %d classes with %d template(s)%s%n", preds.size(), names.size(), tpl.size(),
                        r.failures().isEmpty() ? "" : ", " + r.failures().size() + " skipped");
            }
            return r.failures().isEmpty() ? 0 : 1;
        }
    }

    private void print(Path file, List<ZeroShotClassifier.Prediction> ranked) {
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (var p : ranked) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("class", p.className());
                o.put("index", p.classIndex());
                o.put("probability", p.probability());
                o.put("logit", p.logit());
                list.add(o);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("image", file.toString());
            row.put("predictions", list);
            System.out.println(Json.string(row));
            return;
        }
        System.out.println(file);
        for (int i = 0; i < ranked.size(); i++) {
            var p = ranked.get(i);
            System.out.printf("  %2d. %-40s %7.2f%%  (logit %.2f)%n", i + 1, p.className(), 100 * p.probability(), p.logit());
        }
    }
}
