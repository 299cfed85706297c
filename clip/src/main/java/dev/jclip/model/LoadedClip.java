package dev.jclip.model;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageTransform;
import dev.jclip.io.CheckpointFiles;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorBridge;
import dev.jclip.io.TensorData;
import dev.jclip.progress.Notices;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * A released or trained CLIP checkpoint loaded for use: the model built from the checkpoint's own
 * description ({@link ArchitectureResolver}), its tokenizer ({@link CheckpointTokenizer}) and its
 * image transform, from any file or folder {@link CheckpointFiles} reads. This is what
 * {@code dev.jclip.Clip} and every command that takes {@code --checkpoint} load through.
 *
 * <p>Precision: fp16 and bf16 weights are computed in float32 on the CPU unless
 * {@link Options#dtype} says otherwise, as {@code clip.load(device="cpu")}, open_clip and HF do
 * there; on CUDA the default is the checkpoint's own dtype (that of {@code visual.conv1.weight};
 * OpenAI's fp16 releases run in fp16, as {@code clip.load} does on CUDA).
 *
 * <pre>{@code
 * try (LoadedClip c = LoadedClip.load(Path.of("clip-vit-base-patch32"), LoadedClip.Options.defaults())) {
 *     Tensor f = c.model().encodeText(c.tokenizer().tokenize(List.of("a dog")));
 *     c.save(Path.of("vit-b-32.safetensors"));   // self-contained: architecture, tokenizer, preprocessing
 * }
 * }</pre>
 */
public final class LoadedClip implements AutoCloseable {
    /**
     * How to load.
     *
     * @param model  an architecture name for a bare weights file ({@code ViT-B-32}); null: none
     * @param dtype  the compute dtype; null: float32 for half weights on the CPU, else the checkpoint's
     * @param device where the model lives
     * @param vocab  a tokenizer vocabulary overriding the checkpoint's; null: the checkpoint's
     */
    public record Options(String model, DType dtype, Device device, Path vocab) {
        public Options {
            if (device == null) device = Device.CPU;
        }

        public static Options defaults() { return new Options(null, null, Device.CPU, null); }

        public Options withModel(String m) { return new Options(m, dtype, device, vocab); }

        public Options withDtype(DType d) { return new Options(model, d, device, vocab); }

        public Options withDevice(Device d) { return new Options(model, dtype, d, vocab); }

        public Options withVocab(Path v) { return new Options(model, dtype, device, v); }
    }

    private final Path path;
    private final ClipModel model;
    private final CheckpointTokenizer.Found tokenizer;
    private final ImageTransform transform;
    private final ArchitectureResolver.Resolution resolution;
    private final CheckpointFiles.Layout layout;
    private final Map<String, String> sourceMetadata;

    private LoadedClip(Path path, ClipModel model, CheckpointTokenizer.Found tokenizer, ImageTransform transform,
                       ArchitectureResolver.Resolution resolution, CheckpointFiles.Layout layout, Map<String, String> sourceMetadata) {
        this.path = path;
        this.model = model;
        this.tokenizer = tokenizer;
        this.transform = transform;
        this.resolution = resolution;
        this.layout = layout;
        this.sourceMetadata = sourceMetadata;
    }

    /**
     * Loads {@code path} (a file or folder). When the architecture had to be assumed (tensor shapes
     * only), {@link #note()} says which and how to choose otherwise, and it is also sent as a
     * {@link Notices#warn notice} ({@code <file name>: <note>}).
     */
    public static LoadedClip load(Path path, Options options) {
        try (CheckpointFiles files = CheckpointFiles.open(path)) {
            Described d = describe(files, options);
            if (d.resolution.note() != null) Notices.warn(path.getFileName() + ": " + d.resolution.note());
            ClipModel model = build(files.weights(), d.resolution.architecture());
            try {
                DType dt = computeDtype(model, options);
                model.to(options.device(), dt);
                return new LoadedClip(path, model, d.tokenizer, d.transform, d.resolution, files.layout(),
                        SelfContainedFile.carriedMetadata(files.metadata(), files.weights()));
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }

    /** Architecture, tokenizer and transform of opened files, without building the model. */
    record Described(ArchitectureResolver.Resolution resolution, CheckpointTokenizer.Found tokenizer, ImageTransform transform) {}

    static Described describe(CheckpointFiles files, Options options) {
        ArchitectureResolver.Resolution r = ArchitectureResolver.resolve(files, options.model());
        ClipArchitecture a = r.architecture();
        CheckpointTokenizer.Found tok = CheckpointTokenizer.find(files, options.vocab(), a.vocabSize());
        ImageTransform t = CheckpointPreprocessing.transform(files, a.imageResolution());
        t.preprocess(a.imageResolution()); // a pad larger than the model fails here
        return new Described(r, tok, t);
    }

    /** The model of {@code architecture} loaded strictly from {@code weights} (copied). */
    static ClipModel build(StateDict weights, ClipArchitecture architecture) {
        Map<String, Tensor> tensors = weights.toTensors();
        try {
            return ClipModel.fromStateDict(tensors, architecture);
        } finally {
            tensors.values().forEach(Tensor::close);
        }
    }

    /** The dtype to compute in: the requested one, float32 for half weights on the CPU, the checkpoint's on CUDA. */
    static DType computeDtype(ClipModel m, Options o) {
        if (o.dtype() != null) return o.dtype();
        if (!o.device().equals(Device.CPU)) return m.dtype();
        for (Tensor t : m.stateDict().values()) {
            if (t.dtype() == DType.F16 || t.dtype() == DType.BF16) return DType.F32;
        }
        return null;
    }

    /**
     * Writes this model as one self-contained safetensors file (written atomically): OpenAI's
     * names, the tensors in the model's current dtype, and metadata holding the architecture
     * ({@code config}, with {@code config_source}), the tokenizer's vocabulary and merges, and the
     * image transform, so that {@code load} of the file needs nothing else.
     */
    public void save(Path out) {
        SelfContainedFile.checkOutput(out, path);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            Map<String, TensorData> data = TensorBridge.toData(model.stateDict(), arena);
            SelfContainedFile.write(out, data, resolution, tokenizer, transform, sourceMetadata, path, layout);
        }
    }

    /**
     * Converts {@code in} (any file or folder {@link CheckpointFiles} reads) to a self-contained
     * safetensors file without building the model: tensors keep their dtype, names become OpenAI's,
     * and the set of tensors must be exactly the architecture's (what a strict load needs). An assumed
     * architecture is sent as a {@link Notices#warn notice}, as by {@link #load}.
     *
     * @return the tensor count and bytes written
     */
    public static long[] convert(Path in, Path out, Options options) {
        SelfContainedFile.checkOutput(out, in);
        try (CheckpointFiles files = CheckpointFiles.open(in)) {
            Described d = describe(files, options);
            if (d.resolution.note() != null) Notices.warn(in.getFileName() + ": " + d.resolution.note());
            Map<String, TensorData> tensors = SelfContainedFile.strictTensors(files.weights(), d.resolution.architecture());
            SelfContainedFile.write(out, tensors, d.resolution, d.tokenizer, d.transform,
                    SelfContainedFile.carriedMetadata(files.metadata(), files.weights()), in, files.layout());
            long bytes = 0;
            for (TensorData t : tensors.values()) bytes += t.byteSize();
            return new long[]{tensors.size(), bytes};
        }
    }

    /** The file or folder loaded. */
    public Path path() { return path; }

    public ClipModel model() { return model; }

    public ClipArchitecture architecture() { return model.architecture(); }

    /** What was assumed about the architecture and how to choose otherwise (one line); null when nothing was. */
    public String note() { return resolution.note(); }

    /** How the architecture was decided, with each field's origin. */
    public ArchitectureResolver.Resolution resolution() { return resolution; }

    public CheckpointFiles.Layout layout() { return layout; }

    /** Whether the checkpoint brought a tokenizer (or one was given). */
    public boolean hasTokenizer() { return tokenizer != null; }

    /** The tokenizer; an error naming the checkpoint when it has none. */
    public ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalArgumentException(path + " brings no tokenizer (no vocab.json + merges.txt or tokenizer.json beside it, none "
                    + "recorded); pass --vocab (e.g. bpe_simple_vocab_16e6.txt.gz), or convert it once with clip convert --vocab");
        }
        return tokenizer.tokenizer();
    }

    /** Where the tokenizer came from ({@code bytes}, {@code bpe:/abs/path}, {@code embedded:...}); null when none. */
    public String tokenizerSource() { return tokenizer == null ? null : tokenizer.source(); }

    /** The image transform the checkpoint describes (CLIP's when it says nothing). */
    public ImageTransform transform() { return transform; }

    /** {@link #transform()} at the model's resolution. */
    public ClipPreprocess preprocess() { return transform.preprocess(model.architecture().imageResolution()); }

    @Override public void close() { model.close(); }
}
