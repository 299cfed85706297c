package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import dev.jclip.io.CheckpointFiles;
import dev.jclip.io.StateDict;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI CLIP ({@code clip.model.CLIP}) on jclip tensors: an image tower ({@link VisionTransformer}
 * or {@link ModifiedResNet} under {@code visual.}), the {@link TextTransformer} and
 * {@code logit_scale}, with the reference's parameter names, so reference checkpoints load as they
 * are. Parameters are owned by the model's {@link ParameterStore} and freed by {@link #close()}.
 *
 * <p>Defaults: evaluation mode, and parameters that do not require gradients (inference builds no
 * autograd graph); call {@link #requiresGrad(boolean)} and {@link #train(boolean)} to train. The
 * dtype is the checkpoint's until {@link #to(Device, DType)} changes it; it is never changed
 * behind the caller's back.
 *
 * <pre>{@code
 * try (ClipModel model = ClipModel.fromStateDict(stateDict)) {     // architecture inferred
 *     model.to(Device.CPU, DType.F32);
 *     try (Scope s = Scope.open()) {
 *         Tensor img = model.encodeImage(images);                   // [N, embed_dim]
 *         Tensor txt = model.encodeText(tokens);                    // [M, embed_dim]
 *         ClipLogits out = model.forward(images, tokens);
 *     }
 * }
 * }</pre>
 */
public final class ClipModel implements ContrastiveModel, AutoCloseable {
    /** Keys OpenAI's TorchScript state dicts carry besides tensors; {@code build_model} deletes them. */
    private static final Set<String> NON_TENSOR_KEYS = Set.of("input_resolution", "context_length", "vocab_size");

    private final ClipArchitecture architecture;
    private final ParameterStore store = new ParameterStore();
    private final VisionTower visual;
    private final TextTransformer text;
    private final Parameter logitScale;

    /** Declares the architecture's parameters (no tensors yet: {@link #load} or {@link #fromStateDict}). */
    public ClipModel(ClipArchitecture a) {
        this.architecture = a;
        if (a.isVit()) {
            visual = new VisionTransformer(store, "visual", a.imageResolution(), a.visionPatchSize(), a.visionWidth(),
                    a.visionLayers()[0], a.embedDim(), a.vision());
        } else {
            visual = new ModifiedResNet(store, "visual", a.visionLayers(), a.embedDim(), a.visionHeads(),
                    a.imageResolution(), a.visionWidth());
        }
        text = new TextTransformer(store, a.contextLength(), a.vocabSize(), a.transformerWidth(), a.transformerLayers(),
                a.embedDim(), a.text());
        logitScale = store.parameter("logit_scale");
    }

    /** Builds the model {@code build_model} would build from this state dict, and loads it (copied). */
    public static ClipModel fromStateDict(Map<String, Tensor> stateDict) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        stateDict.forEach((k, t) -> shapes.put(k, t.shape()));
        return fromStateDict(stateDict, inferArchitecture(shapes));
    }

    private static ClipArchitecture inferArchitecture(Map<String, long[]> shapes) {
        Map<String, long[]> s = new LinkedHashMap<>(shapes);
        s.keySet().removeAll(NON_TENSOR_KEYS);
        return ClipArchitecture.inferFrom(s);
    }

    /**
     * A model of {@code architecture} loaded strictly from {@code stateDict} (tensors are copied:
     * the caller still owns the map). OpenAI's extra keys {@code input_resolution},
     * {@code context_length}, {@code vocab_size} are ignored as in {@code build_model}.
     *
     * @throws StateDictMismatchException listing missing, unexpected and mis-shaped keys
     */
    public static ClipModel fromStateDict(Map<String, Tensor> stateDict, ClipArchitecture architecture) {
        ClipModel m = new ClipModel(architecture);
        try {
            m.load(stateDict, true);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Loads a checkpoint file or folder in any layout {@link CheckpointFiles} reads (OpenAI
     * TorchScript {@code .pt}, {@code torch.save} state dicts incl. open_clip's wrapped ones,
     * safetensors, HF and open_clip folders), with the architecture its own description gives
     * ({@link ArchitectureResolver}). Weights are copied out of the mapped file and keep their
     * dtype; {@link LoadedClip} also brings the tokenizer, the preprocessing and the dtype policy.
     *
     * <pre>{@code
     * try (ClipModel model = ClipModel.fromCheckpoint(Path.of("ViT-B-32.pt"))) { ... }
     * }</pre>
     */
    public static ClipModel fromCheckpoint(Path file) {
        try (CheckpointFiles files = CheckpointFiles.open(file)) {
            return LoadedClip.build(files.weights(), ArchitectureResolver.resolve(files, null).architecture());
        }
    }

    /**
     * A model from an already opened checkpoint (OpenAI names): its {@code config} metadata wins
     * over inference. Weights are copied; {@code sd} stays open and owned by the caller.
     */
    public static ClipModel fromCheckpoint(StateDict sd) {
        String config = sd.metadata().get("config");
        ClipArchitecture a = config != null ? ClipArchitecture.fromJson(config) : inferArchitecture(sd.shapes());
        return LoadedClip.build(sd, a);
    }

    /** A randomly initialised model with the reference's distributions ({@link ClipInitializer}), for training from scratch. */
    public static ClipModel initialized(ClipArchitecture architecture, long seed, DType dtype, Device device) {
        ClipModel m = new ClipModel(architecture);
        try {
            ClipInitializer.initialize(m, seed, dtype, device);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Loads tensors into the declared slots (see {@link ParameterStore#load}). */
    public ParameterStore.LoadReport load(Map<String, Tensor> stateDict, boolean strict) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(stateDict);
        tensors.keySet().removeAll(NON_TENSOR_KEYS);
        return store.load(tensors, strict);
    }

    /**
     * Trainable parameters of {@code architecture}, counted from the shapes the modules declare
     * (nothing is allocated, so this works for RN50x64 too).
     */
    public static long declaredParameterCount(ClipArchitecture architecture) {
        try (ClipModel m = new ClipModel(architecture)) {
            return m.store.parameterCount();
        }
    }

    // ---- forward ----

    /** Image features [N, embed_dim], not normalised ({@code images}: [N, 3, H, W], any float dtype). */
    @Override public Tensor encodeImage(Tensor images) {
        if (images.dim() != 4 || images.size(1) != 3) {
            throw new IllegalArgumentException("images must be [N, 3, H, W], got " + images.describe());
        }
        return visual.forward(images);
    }

    /** Text features [N, embed_dim], not normalised ({@code tokens}: integer [N, context_length]). */
    @Override public Tensor encodeText(Tensor tokens) {
        return text.forward(tokens, dtype());
    }

    /** Both towers, then {@link #logits}. */
    public ClipLogits forward(Tensor images, Tensor tokens) {
        try (Scope s = Scope.open()) {
            ClipLogits out = logits(encodeImage(images), encodeText(tokens));
            s.keep(out.logitsPerImage(), out.logitsPerText());
            return out;
        }
    }

    /**
     * The reference's logits from unnormalised features: {@code exp(logit_scale) * (img/|img|) @
     * (txt/|txt|)^T} and its transpose (no clamp of the scale, as in openai/CLIP).
     */
    public ClipLogits logits(Tensor imageFeatures, Tensor textFeatures) {
        try (Scope s = Scope.open()) {
            Tensor img = imageFeatures.div(imageFeatures.norm(1, true));
            Tensor txt = textFeatures.div(textFeatures.norm(1, true));
            Tensor perImage = logitScale().exp().mul(img).matmul(txt.t());
            Tensor perText = perImage.t();
            s.keep(perImage, perText);
            return new ClipLogits(perImage, perText);
        }
    }

    // ---- state ----

    public ClipArchitecture architecture() { return architecture; }

    public VisionTower visual() { return visual; }

    public TextTransformer text() { return text; }

    /** The {@code logit_scale} tensor (a 0-d parameter; logits use its exp). */
    @Override public Tensor logitScale() { return logitScale.get(); }

    @Override public int imageResolution() { return architecture.imageResolution(); }

    @Override public int contextLength() { return architecture.contextLength(); }

    /** The store owning every parameter and buffer. */
    public ParameterStore store() { return store; }

    /** The current tensors by state-dict key, buffers included (owned by the model). */
    @Override public Map<String, Tensor> stateDict() { return store.stateDict(); }

    /** The trainable tensors by state-dict key (buffers excluded), for an optimizer. */
    @Override public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : store.entries()) if (!p.isBuffer() && p.isSet()) out.put(p.name(), p.get());
        return out;
    }

    /** The trainable tensors, for an optimizer. */
    public List<Tensor> parameters() { return store.parameters(); }

    /** The model's dtype: that of {@code visual.conv1.weight}, as the reference defines it. */
    @Override public DType dtype() { return visual.conv1Weight().get().dtype(); }

    @Override public Device device() { return visual.conv1Weight().get().device(); }

    /** Moves and casts every floating-point tensor (integer buffers only move); null keeps that part. */
    public ClipModel to(Device device, DType dtype) {
        store.to(device, dtype);
        return this;
    }

    public ClipModel to(DType dtype) { return to(null, dtype); }

    public ClipModel to(Device device) { return to(device, null); }

    /** Training mode (BatchNorm batch statistics) on or off. */
    @Override public ClipModel train(boolean on) {
        store.train(on);
        return this;
    }

    /** Evaluation mode (the default). */
    public ClipModel eval() { return train(false); }

    public boolean isTraining() { return store.isTraining(); }

    /** Whether autograd records operations on the parameters (off by default: inference). */
    @Override public ClipModel requiresGrad(boolean on) {
        store.requiresGrad(on);
        return this;
    }

    /** Frees every parameter and buffer. */
    @Override public void close() { store.close(); }
}
