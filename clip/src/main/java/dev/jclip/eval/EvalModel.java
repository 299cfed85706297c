package dev.jclip.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageTransform;
import dev.jclip.io.Checkpoints;
import dev.jclip.io.StateDict;
import dev.jclip.model.ClipModel;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A CLIP checkpoint opened for inference: the model (any format {@link Checkpoints} reads,
 * architecture inferred, moved to the requested device and dtype) and its tokenizer. The
 * tokenizer comes from {@code --vocab} when given, otherwise from the checkpoint's safetensors
 * metadata {@code tokenizer} (what jclip's own checkpoints record): {@code {"type":"bytes"}} or
 * {@code {"type":"bpe","vocab":"PATH"}} (a relative path is resolved against the checkpoint's
 * folder). Reference checkpoints record none, so they need {@code --vocab}. The image transform comes
 * from the metadata {@code image_transform} ({@link ImageTransform}; CLIP's when absent).
 *
 * <pre>{@code
 * try (EvalModel m = EvalModel.open(Path.of("demo.safetensors"), null, Device.CPU, null)) {
 *     ZeroShotClassifier zs = ZeroShotClassifier.build(m.model(), m.promptTokenizer(), classes, templates, 256);
 * }
 * }</pre>
 */
public final class EvalModel implements AutoCloseable {
    private final Path checkpoint;
    private final ClipModel model;
    private final ClipTokenizer tokenizer;
    private final String tokenizerSource;
    private final ImageTransform transform;

    private EvalModel(Path checkpoint, ClipModel model, ClipTokenizer tokenizer, String tokenizerSource, ImageTransform transform) {
        this.checkpoint = checkpoint;
        this.transform = transform;
        this.model = model;
        this.tokenizer = tokenizer;
        this.tokenizerSource = tokenizerSource;
    }

    /**
     * Loads {@code checkpoint}; {@code vocab} overrides the recorded tokenizer (null: use the
     * recorded one, or none); {@code dtype} null keeps the checkpoint's.
     */
    public static EvalModel open(Path checkpoint, Path vocab, Device device, DType dtype) {
        ClipModel model;
        String recorded;
        ImageTransform transform;
        // The metadata also describes the tokenizer and the image transform.
        try (StateDict sd = Checkpoints.loadClip(checkpoint)) {
            recorded = sd.metadata().get("tokenizer");
            transform = ImageTransform.fromMetadata(sd.metadata(), checkpoint.toString());
            model = ClipModel.fromCheckpoint(sd);
        }
        try {
            model.to(device, dtype);
            ClipTokenizer tok = null;
            String source = null;
            if (vocab != null) {
                tok = ClipTokenizer.load(vocab);
                source = "bpe:" + vocab.toAbsolutePath().normalize();
            } else if (recorded != null) {
                JsonNode n;
                try {
                    n = new ObjectMapper().readTree(recorded);
                } catch (IOException e) {
                    throw new IllegalArgumentException(checkpoint + ": metadata 'tokenizer' is not JSON: " + recorded, e);
                }
                String type = n.path("type").asText("");
                switch (type) {
                    case "bytes" -> { tok = ClipTokenizer.bytesOnly(); source = "bytes"; }
                    case "bpe" -> {
                        String v = n.path("vocab").asText("");
                        if (v.isEmpty()) throw new IllegalArgumentException(checkpoint + ": metadata tokenizer " + recorded + " has no 'vocab'");
                        Path p = checkpoint.toAbsolutePath().getParent().resolve(v);
                        tok = ClipTokenizer.load(p);
                        source = "bpe:" + p.normalize();
                    }
                    default -> throw new IllegalArgumentException(checkpoint + ": unknown tokenizer type '" + type
                            + "' in metadata " + recorded + " (expected bytes or bpe; pass --vocab to override)");
                }
            }
            if (tok != null && tok.vocabulary().size() > model.architecture().vocabSize()) {
                throw new IllegalArgumentException("tokenizer " + source + " has " + tok.vocabulary().size()
                        + " ids but the checkpoint's text tower only " + model.architecture().vocabSize() + " (wrong --vocab?)");
            }
            transform.preprocess(model.architecture().imageResolution()); // a pad larger than the model fails here
            return new EvalModel(checkpoint, model, tok, source, transform);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public ClipModel model() { return model; }

    public Path checkpoint() { return checkpoint; }

    /** The image transform recorded in the checkpoint ({@code image_transform}), else CLIP's. */
    public ImageTransform transform() { return transform; }

    /** {@link #transform()} at the model's resolution: what every image fed to this model goes through. */
    public ClipPreprocess preprocess() { return transform.preprocess(model.architecture().imageResolution()); }

    /** Whether a tokenizer is known (recorded in the checkpoint or given). */
    public boolean hasTokenizer() { return tokenizer != null; }

    /** The tokenizer; an error naming the checkpoint when none is known. */
    public ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalArgumentException(checkpoint + " records no tokenizer (metadata 'tokenizer'); pass --vocab "
                    + "(e.g. bpe_simple_vocab_16e6.txt.gz)");
        }
        return tokenizer;
    }

    /** A description of the tokenizer for cache keys and reports ({@code bytes}, {@code bpe:/abs/path}). */
    public String tokenizerSource() { tokenizer(); return tokenizerSource; }

    /** Truncating tokenizer at the model's context length. */
    public PromptTokenizer promptTokenizer() {
        return PromptTokenizer.of(tokenizer(), model.architecture().contextLength());
    }

    @Override public void close() { model.close(); }
}
