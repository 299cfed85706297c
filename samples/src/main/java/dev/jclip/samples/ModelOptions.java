package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.model.LoadedClip;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The load options every model-loading command shares ({@code --model}, {@code --dtype},
 * {@code --vocab}, {@code --device}), spelled and described once, and the one way they load a
 * checkpoint ({@link LoadedClip}). Commands take it through {@link CheckpointOptions} (a required
 * {@code --checkpoint}) or {@link RecordedCheckpointOptions} (a {@code --checkpoint} that defaults
 * to the model an index records); picocli reads these inherited fields as part of either mixin.
 */
abstract class ModelOptions {
    static final String CHECKPOINT = "Model checkpoint: a file (OpenAI .pt, torch.save, safetensors) or a folder (Hugging Face CLIPModel, open_clip hub)";

    @Option(names = "--model", paramLabel = "NAME",
            description = "Architecture of a bare weights file, as open_clip names it (ViT-B-32, ViT-B-32-quickgelu, ViT-H-14, RN50, ...) "
                    + "or OpenAI's (ViT-B/32); default: the checkpoint's own config, else openai/CLIP's build_model rules.")
    String model;

    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "Compute dtype (float32, float16, bfloat16, float64); default: float32 for fp16/bf16 weights on the CPU, the checkpoint's on CUDA.")
    String dtype;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "Tokenizer vocabulary (bpe_simple_vocab_16e6.txt.gz, vocab.json, or a folder); default: the one the checkpoint brings.")
    Path vocab;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", description = "cpu or cuda[:N] (default ${DEFAULT-VALUE}).")
    String device;

    /** The load options these flags give, with {@code vocab} as the vocabulary. */
    LoadedClip.Options options(Path vocab) {
        return new LoadedClip.Options(model, dtype == null ? null : DType.parse(dtype), Device.parse(device).requireAvailable(), vocab);
    }

    /** The load options these flags give. */
    public LoadedClip.Options options() { return options(vocab); }

    /** Whether {@code --device} names a CUDA device. */
    boolean onCuda() { return !device.startsWith("cpu"); }

    /** Loads {@code checkpoint} for inference with these flags and {@code vocab}. */
    EvalModel open(Path checkpoint, Path vocab) { return EvalModel.open(checkpoint, options(vocab)); }
}
