package dev.jclip.samples;

import dev.jclip.io.Checkpoints;
import dev.jclip.io.ClipNames;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.model.ClipArchitecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code clip info FILE}: format, tensor count, bytes, dtypes, metadata, and the CLIP
 * architecture inferred from names and shapes (openai/CLIP's {@code build_model} rules).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a checkpoint (safetensors, torch.save, TorchScript): tensors, dtypes, CLIP architecture.")
public final class InfoCommand implements Runnable {
    @Parameters(paramLabel = "FILE", description = "checkpoint file") Path file;
    @Option(names = "--tensors", description = "also list every tensor (name, dtype, shape)") boolean listTensors;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (StateDict raw = Checkpoints.load(file)) {
            ClipNames.Style style = ClipNames.detect(raw.names());
            StateDict sd = ClipNames.toOpenAI(raw);
            out.println("file:         " + file);
            out.println("format:       " + raw.format().label());
            out.println("names:        " + style.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + (style == ClipNames.Style.OPENAI ? "" : " (mapped to OpenAI names)"));
            out.println("tensors:      " + raw.size());
            out.printf("total bytes:  %,d (%.1f MiB)%n", raw.totalBytes(), raw.totalBytes() / 1048576.0);
            StringJoiner dt = new StringJoiner(", ");
            raw.dtypeCounts().forEach((d, n) -> dt.add(d + " x" + n));
            out.println("dtypes:       " + dt);
            for (Map.Entry<String, String> e : raw.metadata().entrySet()) {
                String v = e.getValue().length() > 120 ? e.getValue().substring(0, 117) + "..." : e.getValue();
                out.println("metadata:     " + e.getKey() + " = " + v);
            }
            try {
                ClipArchitecture cfg = ClipArchitecture.inferFrom(sd.shapes());
                out.println("architecture: " + cfg.describe());
                out.println("config:       " + cfg.toJson());
            } catch (IllegalArgumentException e) {
                out.println("architecture: not a CLIP checkpoint (" + e.getMessage() + ")");
            }
            if (listTensors) {
                for (Map.Entry<String, TensorData> e : raw.tensors().entrySet())
                    out.printf("  %-60s %-8s %s%n", e.getKey(), e.getValue().dtype(), Arrays.toString(e.getValue().shape()));
            }
        }
        out.flush();
    }
}
