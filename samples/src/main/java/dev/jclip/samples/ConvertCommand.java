package dev.jclip.samples;

import dev.jclip.io.Checkpoints;
import dev.jclip.model.LoadedClip;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code clip convert IN OUT.safetensors [--model NAME] [--vocab F]}: any checkpoint file or
 * folder to jclip's self-contained safetensors: exactly the model's tensors under OpenAI's names
 * (a strict open_clip / openai load accepts them), dtypes kept, and metadata holding the true
 * architecture with its origin, the tokenizer's vocabulary and merges (from the folder or
 * {@code --vocab}), and the preprocessing. {@code --keep-names} copies the tensors as they are
 * instead (no architecture, no tokenizer).
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a checkpoint file or folder to one self-contained safetensors file (OpenAI names, architecture, tokenizer, preprocessing).")
public final class ConvertCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "IN", description = "input checkpoint file or folder") Path in;
    @Parameters(index = "1", paramLabel = "OUT", description = "output .safetensors file (written atomically)") Path out;
    @Option(names = "--model", paramLabel = "NAME", description = "architecture of a bare weights file (ViT-B-32, ViT-B-32-quickgelu, RN50, ViT-B/32, ...)") String model;
    @Option(names = "--vocab", paramLabel = "FILE", description = "tokenizer to embed when the checkpoint brings none (bpe_simple_vocab_16e6.txt.gz, vocab.json)") Path vocab;
    @Option(names = "--keep-names", description = "copy the tensors with their own names only (no mapping, no architecture, no tokenizer)") boolean keepNames;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        long t0 = System.nanoTime();
        dev.jclip.io.OutputGuard.refuseInput(out, "OUT", "IN", in);
        long[] written;
        if (keepNames) {
            if (model != null || vocab != null) throw new IllegalArgumentException("--keep-names copies tensors only: it takes neither --model nor --vocab");
            if (!String.valueOf(out.getFileName()).endsWith(".safetensors"))
                throw new IllegalArgumentException(out + ": clip convert writes safetensors; name the output *.safetensors");
            written = Checkpoints.convert(in, out, false);
        } else {
            written = LoadedClip.convert(in, out, LoadedClip.Options.defaults().withModel(model).withVocab(vocab));
        }
        spec.commandLine().getOut().printf("wrote %s: %d tensors, %,d bytes in %.2f s%n", out, written[0], written[1],
                (System.nanoTime() - t0) / 1e9);
        spec.commandLine().getOut().flush();
    }
}
