package dev.jclip;

import dev.jclip.eval.Features;
import dev.jclip.eval.PromptTemplates;
import dev.jclip.eval.PromptTokenizer;
import dev.jclip.eval.ZeroShotClassifier;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageTransform;
import dev.jclip.model.ArchitectureResolver;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.model.LoadedClip;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.nio.file.Path;
import java.util.List;

/**
 * The one entry point for using a CLIP checkpoint: {@link #load} reads any released or trained
 * checkpoint as users download it (OpenAI's TorchScript {@code .pt}, {@code torch.save} state
 * dicts and open_clip trainer checkpoints, safetensors, Hugging Face {@code CLIPModel} folders
 * incl. sharded ones, open_clip hub folders, jclip's own files) and returns the model built from
 * the checkpoint's own description, with its tokenizer and its image preprocessing.
 * {@link #save} writes the self-contained file {@code clip convert} writes.
 *
 * <pre>{@code
 * try (Clip clip = Clip.load(Path.of("clip-vit-base-patch32"))) {        // an HF folder, a .pt, ...
 *     Tensor text = clip.encodeTexts(List.of("a photo of a dog", "a photo of a cat"));
 *     Tensor image = clip.encodeImages(List.of(Path.of("dog.jpg")));
 *     clip.save(Path.of("vit-b-32.safetensors"));                        // loads later with nothing else
 * }
 * try (Clip rn = Clip.load(Path.of("RN50.pt"), Clip.options().withVocab(Path.of("bpe_simple_vocab_16e6.txt.gz")))) {
 *     ZeroShotClassifier zs = rn.zeroShot(List.of("a dog", "a cat"), PromptTemplates.of(List.of("a photo of {}.")));
 *     ZeroShotClassifier.Prediction best = rn.classify(List.of(Path.of("dog.jpg")), zs, 1).getFirst().getFirst();
 * }
 * }</pre>
 *
 * <p>Fine-tuning takes the model and the tokenizer as they are:
 * {@code new Trainer(clip.model(), clip.promptTokenizer()::tokenize, config)}, then {@link #save}.
 *
 * <p>Precision: half-precision weights compute in float32 on the CPU unless
 * {@code options().withDtype(...)} says otherwise (see {@link LoadedClip}). The returned tensors
 * of the {@code encode} methods belong to the caller (close them, or open a {@link Scope}).
 */
public final class Clip implements AutoCloseable {
    private final LoadedClip loaded;

    private Clip(LoadedClip loaded) { this.loaded = loaded; }

    /** Load options: {@code withModel(name)}, {@code withDtype}, {@code withDevice}, {@code withVocab}. */
    public static LoadedClip.Options options() { return LoadedClip.Options.defaults(); }

    /** Loads a checkpoint file or folder on the CPU with the default options. */
    public static Clip load(Path path) { return load(path, options()); }

    /** Loads a checkpoint file or folder. */
    public static Clip load(Path path, LoadedClip.Options options) { return new Clip(LoadedClip.load(path, options)); }

    /**
     * Converts a checkpoint file or folder to jclip's self-contained safetensors without building
     * the model (tensors keep their dtype); {@code options} may name the model or add a vocabulary.
     *
     * @return {@code {tensors, bytes}} written
     */
    public static long[] convert(Path in, Path out, LoadedClip.Options options) { return LoadedClip.convert(in, out, options); }

    /** Writes the self-contained file: weights with OpenAI names, architecture, tokenizer, preprocessing. */
    public void save(Path out) { loaded.save(out); }

    public ClipModel model() { return loaded.model(); }

    public ClipArchitecture architecture() { return loaded.architecture(); }

    /** How the architecture was decided, with each field's origin. */
    public ArchitectureResolver.Resolution resolution() { return loaded.resolution(); }

    /** Whether the checkpoint brought a tokenizer (or one was given). */
    public boolean hasTokenizer() { return loaded.hasTokenizer(); }

    /** The checkpoint's tokenizer; an error naming the checkpoint when it brings none. */
    public ClipTokenizer tokenizer() { return loaded.tokenizer(); }

    /** The image preprocessing at the model's resolution. */
    public ClipPreprocess preprocess() { return loaded.preprocess(); }

    public ImageTransform transform() { return loaded.transform(); }

    /** The lower-level bundle (what {@code EvalModel} wraps). */
    public LoadedClip loaded() { return loaded; }

    /** Text features [N, embed_dim], not normalised; texts longer than the context are truncated. */
    public Tensor encodeTexts(List<String> texts) {
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor tokens = tokenizer().tokenize(texts, architecture().contextLength(), true);
            return s.keep(model().encodeText(tokens.to(model().device())));
        }
    }

    /** Image features [N, embed_dim] of image files, not normalised. */
    public Tensor encodeImages(List<Path> files) {
        ClipPreprocess pre = preprocess();
        int n = files.size(), per = pre.floatsPerImage();
        float[] data = new float[n * per];
        for (int i = 0; i < n; i++) System.arraycopy(pre.preprocess(files.get(i)), 0, data, i * per, per);
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            Tensor images = Torch.of(data, n, 3, pre.size(), pre.size()).to(model().device(), model().dtype());
            return s.keep(model().encodeImage(images));
        }
    }

    /** The tokenizer at the model's context length, truncating longer texts (what evaluation and training take). */
    public PromptTokenizer promptTokenizer() { return PromptTokenizer.of(tokenizer(), architecture().contextLength()); }

    /**
     * A zero-shot classifier over {@code classNames}: each class's prompts ({@code templates}, {@code {}} = the
     * class name) embedded, normalised and averaged, as in openai/CLIP's ImageNet notebook.
     */
    public ZeroShotClassifier zeroShot(List<String> classNames, PromptTemplates templates) {
        return ZeroShotClassifier.build(model(), promptTokenizer(), classNames, templates, 256);
    }

    /** {@link #zeroShot(List, PromptTemplates)} with the class name itself as the prompt. */
    public ZeroShotClassifier zeroShot(List<String> classNames) { return zeroShot(classNames, PromptTemplates.single()); }

    /** The {@code k} most probable classes of each image file, best first. */
    public List<List<ZeroShotClassifier.Prediction>> classify(List<Path> images, ZeroShotClassifier classifier, int k) {
        return classifier.topK(features(encodeImages(images)), k);
    }

    /** Text features as host floats ({@link Features}, one row per text), not normalised. */
    public Features textFeatures(List<String> texts) { return features(encodeTexts(texts)); }

    /** Image features as host floats ({@link Features}, one row per file), not normalised. */
    public Features imageFeatures(List<Path> files) { return features(encodeImages(files)); }

    /** Copies {@code t} [N, D] to the host as float32 and closes it. */
    private static Features features(Tensor t) {
        try (t; Scope s = Scope.open()) {
            Tensor host = t.to(Device.CPU, DType.F32).contiguous();
            return new Features(host.toFloatArray(), (int) t.size(0), (int) t.size(1));
        }
    }

    @Override public void close() { loaded.close(); }
}
