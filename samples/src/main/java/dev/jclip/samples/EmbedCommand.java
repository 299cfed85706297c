package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.eval.FeatureFile;
import dev.jclip.eval.Features;
import dev.jclip.eval.ImageEmbedder;
import dev.jclip.eval.TextEmbedder;
import dev.jclip.image.PreprocessBatch;
import dev.jclip.io.OutputGuard;
import dev.jclip.text.TextLines;
import dev.jclip.text.TextTooLongException;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.model.ClipLogits;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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
    @Option(names = "--checkpoint", required = true, description = "Model checkpoint (safetensors, torch.save, TorchScript).")
    Path checkpoint;

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

    @Option(names = "--vocab", description = "BPE vocabulary for --texts when the checkpoint records no tokenizer.")
    Path vocab;

    @Option(names = "--out", required = true, description = "Output .safetensors (written atomically).")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--dtype", description = "Model dtype (float32, float16, bfloat16, float64); default: the checkpoint's.")
    String dtype;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size, 1 to 65536 (default ${DEFAULT-VALUE}).")
    int batch;

    /** Larger batches only cost memory: 65536 images at 224 px are 39 GB of floats already. */
    static final int MAX_BATCH = 65536;

    @Override public Integer call() throws IOException {
        if (batch < 1 || batch > MAX_BATCH) throw new IllegalArgumentException("--batch must be in [1, " + MAX_BATCH + "], got " + batch);
        OutputGuard.refuseInput(out, "--out", "--checkpoint", checkpoint);
        OutputGuard.refuseInput(out, "--out", "--vocab", vocab);
        OutputGuard.refuseInput(out, "--out", "--texts", source.texts);
        OutputGuard.refuseInput(out, "--out", "--inputs", source.inputs);
        OutputGuard.refuseInputs(out, "--out", "--images", source.images);
        Device dev = Device.parse(device).requireAvailable();
        DType dt = dtype == null ? null : DType.parse(dtype);
        List<String> texts = source.texts == null ? null : readTexts(); // bad text files fail before a model loads
        try (EvalModel m = EvalModel.open(checkpoint, vocab, dev, dt)) {
            if (source.inputs != null) return embedInputs(m);
            if (texts != null) return embedTexts(m, texts);
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
            FeatureFile.write(out, t, Map.of("producer", "jclip embed", "checkpoint", checkpoint.getFileName().toString()));
            System.out.println("wrote image_features " + img.describe() + ", text_features " + txt.describe() + " and logits to " + out);
        }
        return 0;
    }

    private List<String> readTexts() {
        List<String> lines = TextLines.read(source.texts, "--texts");
        if (lines.isEmpty()) throw new IllegalArgumentException("--texts " + source.texts + " holds no text (one text per line)");
        TextLines.requireNoEmptyLine(lines, source.texts, "--texts");
        return lines;
    }

    private int embedTexts(EvalModel m, List<String> lines) {
        Features f;
        try {
            f = TextEmbedder.embed(m.model(), m.promptTokenizer(), lines, batch).normalized();
        } catch (TextTooLongException e) {
            throw new IllegalArgumentException("--texts " + source.texts + " line " + (e.index() + 1) + ": " + e.getMessage(), e);
        }
        FeatureFile.writeFeatures(out, Map.of("text_features", f), Map.of("producer", "jclip embed",
                "names", Json.string(lines), "tokenizer", m.tokenizerSource()));
        System.out.println("wrote text_features [" + f.rows() + ", " + f.dim() + "] (L2-normalised) to " + out);
        return 0;
    }

    private int embedImages(EvalModel m) {
        ImageEmbedder.Result r = new ImageEmbedder(m.model(), m.preprocess(), batch).showProgress(source.images.size() > batch).embedFiles(source.images);
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
