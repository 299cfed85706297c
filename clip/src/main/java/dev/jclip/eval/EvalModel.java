package dev.jclip.eval;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageTransform;
import dev.jclip.model.ClipModel;
import dev.jclip.model.LoadedClip;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;

import java.nio.file.Path;

/**
 * A CLIP checkpoint opened for inference through {@link LoadedClip}: any file or folder jclip
 * reads, the architecture from the checkpoint's own description, fp16/bf16 weights computed in
 * float32 on the CPU unless a dtype is given, the tokenizer from {@code --vocab} or the one the
 * checkpoint brings (HF tokenizer files beside the weights, or jclip's recorded/embedded one),
 * and the image transform the checkpoint describes (CLIP's when it says nothing).
 *
 * <pre>{@code
 * try (EvalModel m = EvalModel.open(Path.of("demo.safetensors"), null, Device.CPU, null)) {
 *     ZeroShotClassifier zs = ZeroShotClassifier.build(m.model(), m.promptTokenizer(), classes, templates, 256);
 * }
 * }</pre>
 */
public final class EvalModel implements AutoCloseable {
    private final LoadedClip loaded;
    private final ClipModel model;

    private EvalModel(LoadedClip loaded) {
        this.loaded = loaded;
        this.model = loaded.model();
    }

    /**
     * Loads {@code checkpoint}; {@code vocab} overrides the checkpoint's tokenizer (null: use the
     * checkpoint's, or none); {@code dtype} null: the default policy of {@link LoadedClip}.
     */
    public static EvalModel open(Path checkpoint, Path vocab, Device device, DType dtype) {
        return open(checkpoint, LoadedClip.Options.defaults().withVocab(vocab).withDevice(device).withDtype(dtype));
    }

    /** Loads {@code checkpoint} with every option of {@link LoadedClip.Options} (e.g. a {@code --model} name). */
    public static EvalModel open(Path checkpoint, LoadedClip.Options options) {
        return new EvalModel(LoadedClip.load(checkpoint, options));
    }

    /** Wraps an already loaded checkpoint (closing this closes it). */
    public static EvalModel of(LoadedClip loaded) { return new EvalModel(loaded); }

    /** The loaded checkpoint (model, tokenizer, transform, architecture provenance). */
    public LoadedClip loaded() { return loaded; }

    public ClipModel model() { return model; }

    public Path checkpoint() { return loaded.path(); }

    /** The image transform the checkpoint describes, else CLIP's. */
    public ImageTransform transform() { return loaded.transform(); }

    /** {@link #transform()} at the model's resolution: what every image fed to this model goes through. */
    public ClipPreprocess preprocess() { return loaded.preprocess(); }

    /** Whether a tokenizer is known (brought by the checkpoint or given). */
    public boolean hasTokenizer() { return loaded.hasTokenizer(); }

    /** The tokenizer; an error naming the checkpoint when none is known. */
    public ClipTokenizer tokenizer() { return loaded.tokenizer(); }

    /** A description of the tokenizer for cache keys and reports ({@code bytes}, {@code bpe:/abs/path}). */
    public String tokenizerSource() { tokenizer(); return loaded.tokenizerSource(); }

    /** Truncating tokenizer at the model's context length. */
    public PromptTokenizer promptTokenizer() {
        return PromptTokenizer.of(tokenizer(), model.architecture().contextLength());
    }

    @Override public void close() { loaded.close(); }
}
