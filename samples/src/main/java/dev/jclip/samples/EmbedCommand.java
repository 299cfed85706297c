package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.eval.FeatureFile;
import dev.jclip.eval.Features;
import dev.jclip.eval.ImageEmbedder;
import dev.jclip.eval.TextEmbedder;
import dev.jclip.image.PreprocessBatch;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.model.ClipLogits;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clip embed --checkpoint FILE (--images FILES... | --texts FILE | --inputs FILE) --out FILE}:
 * CLIP features to a safetensors file. Images and texts give L2-normalised {@code image_features}
 * / {@code text_features} (metadata {@code names} lists the rows); {@code --inputs} (tensors
 * {@code images} [B,3,R,R] already preprocessed and {@code tokens} [B,L] int64) gives the
 * reference's unnormalised {@code image_features}, {@code text_features} and both logits.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write CLIP image/text features (L2-normalised), or features and logits for preprocessed inputs.")
public final class EmbedCommand implements Callable<Integer> {
    @Mixin
    CheckpointOptions ckpt;

    static final class Source {
        @Option(names = "--images", arity = "1..*", paramLabel = "FILE", description = "Image files.")
        List<Path> images;
        @Option(names = "--texts", paramLabel = "FILE", description = "Text file, one text per line.")
        Path texts;
        @Option(names = "--inputs", paramLabel = "FILE", description = "safetensors with 'images' [B,3,R,R] and 'tokens' [B,L] int64.")
        Path inputs;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", required = true, description = "Output .safetensors (written atomically).")
    Path out;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Override public Integer call() throws IOException {
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        try (EvalModel m = ckpt.open()) {
            if (source.inputs != null) return embedInputs(m);
            if (source.texts != null) return embedTexts(m);
            return embedImages(m);
        }
    }

    private int embedInputs(EvalModel m) {
        try (StateDict in = Safetensors.read(source.inputs); Scope s = Scope.open(); var g = Torch.noGrad()) {
            for (String k : new String[]{"images", "tokens"}) {
                if (!in.contains(k)) throw new IllegalArgumentException(source.inputs + " has no tensor '" + k + "' (it has " + in.names() + ")");
            }
            Tensor images = in.get("images").toTensor().to(m.model().device(), m.model().dtype());
            Tensor tokens = in.get("tokens").toTensor().to(m.model().device(), DType.I64);
            if (images.dim() != 4 || tokens.dim() != 2) {
                throw new IllegalArgumentException(source.inputs + ": images must be [B,3,R,R] and tokens [B,L], got "
                        + images.describe() + " and " + tokens.describe());
            }
            Tensor img = m.model().encodeImage(images);
            Tensor txt = m.model().encodeText(tokens);
            ClipLogits logits = m.model().logits(img, txt);
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("image_features", img);
            t.put("text_features", txt);
            t.put("logits_per_image", logits.logitsPerImage());
            t.put("logits_per_text", logits.logitsPerText());
            FeatureFile.write(out, t, Map.of("producer", "jclip embed", "checkpoint", String.valueOf(ckpt.checkpoint().getFileName())));
            System.out.println("wrote image_features " + img.describe() + ", text_features " + txt.describe() + " and logits to " + out);
        }
        return 0;
    }

    private int embedTexts(EvalModel m) throws IOException {
        List<String> lines = Files.readAllLines(source.texts).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException(source.texts + " holds no text (one text per line)");
        Features f = TextEmbedder.embed(m.encoder(), m.promptTokenizer(), lines, batch).normalized();
        FeatureFile.writeFeatures(out, Map.of("text_features", f), Map.of("producer", "jclip embed",
                "names", Json.string(lines), "tokenizer", m.tokenizerSource()));
        System.out.println("wrote text_features [" + f.rows() + ", " + f.dim() + "] (L2-normalised) to " + out);
        return 0;
    }

    private int embedImages(EvalModel m) {
        ImageEmbedder.Result r = new ImageEmbedder(m.encoder(), m.preprocess(), batch).showProgress(source.images.size() > batch).embedFiles(source.images);
        for (PreprocessBatch.Failure f : r.failures()) System.err.println("skipped " + f.file() + ": " + f.reason());
        if (r.features().rows() == 0) {
            System.err.println("no image could be read; nothing written");
            return 1;
        }
        List<String> names = new ArrayList<>();
        for (int i : r.kept()) names.add(source.images.get(i).toString());
        Features f = r.features().normalized();
        FeatureFile.writeFeatures(out, Map.of("image_features", f), Map.of("producer", "jclip embed", "names", Json.string(names)));
        System.out.println("wrote image_features [" + f.rows() + ", " + f.dim() + "] (L2-normalised) to " + out
                + (r.failures().isEmpty() ? "" : " (" + r.failures().size() + " skipped)"));
        return r.failures().isEmpty() ? 0 : 1;
    }
}
