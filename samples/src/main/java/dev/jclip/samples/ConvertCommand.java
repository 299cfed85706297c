package dev.jclip.samples;

import dev.jclip.io.CheckpointFormat;
import dev.jclip.io.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code clip convert IN OUT.safetensors}: any supported checkpoint to safetensors, with OpenAI's
 * names (unless {@code --keep-names}) and the inferred CLIP config in the metadata.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a checkpoint (safetensors, torch.save, TorchScript) to safetensors with OpenAI CLIP names.")
public final class ConvertCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "IN", description = "input checkpoint") Path in;
    @Parameters(index = "1", paramLabel = "OUT", description = "output .safetensors file (written atomically)") Path out;
    @Option(names = "--keep-names", description = "keep the input's tensor names (no mapping to OpenAI names)") boolean keepNames;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        long t0 = System.nanoTime();
        dev.jclip.io.OutputGuard.refuseInput(out, "OUT", "IN", in);
        CheckpointFormat from = Checkpoints.detect(in);
        long[] written = Checkpoints.convert(in, out, !keepNames);
        spec.commandLine().getOut().printf("wrote %s: %d tensors, %,d bytes (from %s) in %.2f s%n", out, written[0],
                written[1], from.label(), (System.nanoTime() - t0) / 1e9);
        spec.commandLine().getOut().flush();
    }
}
