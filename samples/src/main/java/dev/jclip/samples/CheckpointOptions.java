package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.model.LoadedClip;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options of every command that loads a model ({@code --checkpoint}, {@code --model},
 * {@code --dtype}, {@code --vocab}, {@code --device}), as one picocli mixin, and the one way they
 * load it ({@link LoadedClip}).
 *
 * <pre>{@code
 * @Mixin CheckpointOptions ckpt;
 * try (EvalModel m = ckpt.open()) { ... }
 * }</pre>
 */
public final class CheckpointOptions {
    @Option(names = "--checkpoint", required = true, paramLabel = "PATH",
            description = "Model checkpoint: a file (OpenAI .pt, torch.save, safetensors) or a folder (Hugging Face CLIPModel, open_clip hub).")
    Path checkpoint;

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

    /** The load options these flags give. */
    public LoadedClip.Options options() {
        return new LoadedClip.Options(model, dtype == null ? null : DType.parse(dtype), Device.parse(device).requireAvailable(), vocab);
    }

    public Path checkpoint() { return checkpoint; }

    /** Loads the checkpoint for inference. */
    public EvalModel open() { return EvalModel.open(checkpoint, options()); }
}
