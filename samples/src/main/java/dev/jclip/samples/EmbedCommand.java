package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.eval.FeatureFile;
import dev.jclip.eval.Features;
import dev.jclip.embed.BulkEmbedder;
import dev.jclip.progress.ProgressListener;
import dev.jclip.embed.EmbeddingSink;
import dev.jclip.embed.EmbeddingWriter;
import dev.jclip.embed.ImageSources;
import dev.jclip.eval.TextEmbedder;
import dev.jclip.io.OutputGuard;
import dev.jclip.text.TextLines;
import dev.jclip.text.TextTooLongException;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.model.ClipLogits;
import dev.jclip.model.LoadedClip;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clip embed --checkpoint FILE (--images SRC... | --list FILE | --texts FILE | --inputs FILE) --out OUT}:
 * CLIP features. Images (folders, files, globs, WebDataset shards, path lists) are embedded with
 * decoding on worker threads ({@link BulkEmbedder}) into a folder of shards with a manifest
 * ({@link EmbeddingWriter}, {@code --resume}), or into one file when {@code --out} ends in
 * {@code .safetensors}. Images and texts give L2-normalised {@code image_features}
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
        @Option(names = "--images", arity = "1..*", paramLabel = "SRC",
                description = "Image files, folders (recursive), globs ('photos/**/*.jpg', quoted) or WebDataset shards (.tar, data-{000..009}.tar).")
        List<String> images;
        @Option(names = "--list", paramLabel = "FILE", description = "A file of image paths, one per line (relative to its folder).")
        Path list;
        @Option(names = "--texts", paramLabel = "FILE", description = "Text file, one text per line.")
        Path texts;
        @Option(names = "--inputs", paramLabel = "FILE", description = "safetensors with 'images' [B,3,R,R] and 'tokens' [B,L] int64.")
        Path inputs;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", required = true,
            description = "Output: a folder of safetensors shards with manifest.json for images (written as it goes), "
                    + "or one .safetensors file (written atomically at the end; texts, --inputs, small image sets).")
    Path out;

    @Option(names = "--resume", description = "Continue an unfinished output folder: images already in it are skipped.")
    boolean resume;

    @Option(names = "--workers", description = "Decoding/preprocessing threads (default: cores - 1, at least 1).")
    Integer workers;

    @Option(names = "--shard-size", defaultValue = "10000", description = "Rows per shard file (default ${DEFAULT-VALUE}).")
    int shardSize;

    @Option(names = "--progress", defaultValue = "auto", description = "auto (a bar on a terminal, lines in a log) | bar | lines | none")
    String progress;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size, 1 to 65536 (default ${DEFAULT-VALUE}).")
    int batch;

    /** Larger batches only cost memory: 65536 images at 224 px are 39 GB of floats already. */
    static final int MAX_BATCH = 65536;

    @Override public Integer call() throws IOException {
        if (batch < 1 || batch > MAX_BATCH) throw new IllegalArgumentException("--batch must be in [1, " + MAX_BATCH + "], got " + batch);
        OutputGuard.refuseInput(out, "--out", "--checkpoint", ckpt.checkpoint);
        OutputGuard.refuseInput(out, "--out", "--vocab", ckpt.vocab);
        OutputGuard.refuseInput(out, "--out", "--texts", source.texts);
        OutputGuard.refuseInput(out, "--out", "--inputs", source.inputs);
        OutputGuard.refuseInput(out, "--out", "--list", source.list);
        LoadedClip.Options options = ckpt.options(); // a bad --device or --dtype fails before anything is read
        List<String> texts = source.texts == null ? null : readTexts(); // bad text files fail before a model loads
        ImageSources src = null;
        if (source.images != null || source.list != null) {   // missing inputs and an --out among them fail before a model loads
            src = ImageSources.of(source.images == null ? List.of() : source.images, source.list);
            new OutputFolder(out, "--out").inputs("SRC", src.roots()).refuse();
            if (shardSize < 1) throw new IllegalArgumentException("--shard-size must be >= 1, got " + shardSize);
        }
        try (EvalModel m = EvalModel.open(ckpt.checkpoint, options)) {
            if (source.inputs != null) return embedInputs(m);
            if (texts != null) return embedTexts(m, texts);
            if (out.getFileName().toString().endsWith(".safetensors")) {
                if (resume) throw new IllegalArgumentException("--resume needs an output folder, not a single .safetensors file");
                return embedImagesToFile(m, src);
            }
            return embedImagesToFolder(m, src);
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

    /** {@code --workers} of embed and index: default cores - 1, at least 1. */
    static int threads(Integer workers) {
        int w = workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        if (w < 1) throw new IllegalArgumentException("--workers must be >= 1, got " + w);
        return w;
    }

    private BulkEmbedder.Stats run(EvalModel m, ImageSources src, java.util.Set<String> done, EmbeddingSink sink) {
        ProgressListener p = ConsoleProgress.create(progress, "10s");
        return new BulkEmbedder(Models.embedder(m), batch, threads(workers)).progress(p, done.size())
                .run(src, done::contains, sink, ConsoleProgress.skipped(p), src.count());
    }

    /** Shards written as the run goes; a killed run loses at most the batch in flight, --resume continues it. */
    private int embedImagesToFolder(EvalModel m, ImageSources src) {
        BulkEmbedder.Stats st;
        try (EmbeddingWriter w = EmbeddingWriter.open(out, m.model().architecture().embedDim(), Models.describe(m), shardSize, resume)) {
            st = run(m, src, w.done(), w);
        }
        System.out.println(String.format(java.util.Locale.ROOT, "embedded %d images into %s (%.1f img/s)%s%s", st.embedded(), out,
                st.imagesPerSecond(), st.skipped() > 0 ? ", " + st.skipped() + " already there" : "",
                st.failed() > 0 ? ", " + st.failed() + " skipped as unreadable" : ""));
        return st.failed() > 0 ? 1 : 0;
    }

    /** One safetensors file ({@code image_features}, metadata {@code names}) for small sets. */
    private int embedImagesToFile(EvalModel m, ImageSources src) {
        List<String> names = new ArrayList<>();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        BulkEmbedder.Stats st = run(m, src, java.util.Set.of(), (keys, v) -> {
            names.addAll(keys);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.nativeOrder());
            b.asFloatBuffer().put(v);
            buf.writeBytes(b.array());
        });
        if (names.isEmpty()) {
            System.err.println("no image could be read; nothing written");
            return 1;
        }
        float[] all = new float[buf.size() / 4];
        java.nio.ByteBuffer.wrap(buf.toByteArray()).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(all);
        Features f = new Features(all, names.size(), all.length / names.size());
        FeatureFile.writeFeatures(out, Map.of("image_features", f), Map.of("producer", "jclip embed", "names", Json.string(names)));
        System.out.println("wrote image_features [" + f.rows() + ", " + f.dim() + "] (L2-normalised) to " + out
                + (st.failed() == 0 ? "" : " (" + st.failed() + " skipped)"));
        return st.failed() == 0 ? 0 : 1;
    }
}
