package dev.jclip.samples;

import dev.jclip.io.CheckpointFiles;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.model.ArchitectureResolver;
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
 * {@code clip info PATH [--model NAME] [--tensors]}: layout, files, format, tensor count, bytes,
 * dtypes, metadata, and the CLIP architecture jclip builds with where each field came from (the
 * checkpoint's config, jclip's metadata, a name, or inferred from shapes).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a checkpoint file or folder: tensors, dtypes, and the CLIP architecture with each field's origin.")
public final class InfoCommand implements Runnable {
    @Parameters(paramLabel = "PATH", description = "checkpoint file or folder") Path file;
    @Option(names = "--model", paramLabel = "NAME", description = "architecture name for a bare weights file (as clip embed --model)") String model;
    @Option(names = "--tensors", description = "also list every tensor (OpenAI name, dtype, shape)") boolean listTensors;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (CheckpointFiles f = CheckpointFiles.open(file)) {
            StateDict sd = f.weights();
            out.println("path:         " + file);
            out.println("layout:       " + f.layout().label());
            for (Path w : f.weightFiles()) out.println("weights:      " + w.getFileName());
            if (f.configFile() != null) out.println("config:       " + f.configFile().getFileName());
            if (f.preprocessFile() != null) out.println("preprocess:   " + f.preprocessFile().getFileName());
            CheckpointFiles.TokenizerFiles tf = f.tokenizer();
            if (tf.vocabJson() != null) out.println("tokenizer:    " + tf.vocabJson().getFileName() + " + " + tf.mergesTxt().getFileName());
            else if (tf.tokenizerJson() != null) out.println("tokenizer:    " + tf.tokenizerJson().getFileName());
            out.println("format:       " + (sd.format() == null ? "?" : sd.format().label()));
            out.println("tensors:      " + sd.size() + " (OpenAI names)");
            out.printf("total bytes:  %,d (%.1f MiB)%n", sd.totalBytes(), sd.totalBytes() / 1048576.0);
            StringJoiner dt = new StringJoiner(", ");
            sd.dtypeCounts().forEach((d, n) -> dt.add(d + " x" + n));
            out.println("dtypes:       " + dt);
            for (Map.Entry<String, String> e : sd.metadata().entrySet()) {
                String v = e.getValue().length() > 120 ? e.getValue().substring(0, 117).replace('\n', ' ') + "... (" + e.getValue().length() + " chars)"
                        : e.getValue().replace('\n', ' ');
                out.println("metadata:     " + e.getKey() + " = " + v);
            }
            try {
                ArchitectureResolver.Resolution r = ArchitectureResolver.resolve(f, model);
                ClipArchitecture a = r.architecture();
                out.println("architecture: " + a.describe());
                out.println("from:         " + r.origin());
                if (r.note() != null) out.println("note:         " + r.note());
                out.printf("parameters:   %,d (image %,d, text %,d)%n", a.parameterCount(), a.visionParameterCount(), a.textParameterCount());
                for (String field : ArchitectureResolver.FIELDS) {
                    out.printf("  %-24s %-22s %s%n", field, value(a, field), r.sources().getOrDefault(field, "-"));
                }
            } catch (IllegalArgumentException e) {
                out.println("architecture: not resolved: " + e.getMessage());
            }
            if (listTensors) {
                for (Map.Entry<String, TensorData> e : sd.tensors().entrySet())
                    out.printf("  %-60s %-8s %s%n", e.getKey(), e.getValue().dtype(), Arrays.toString(e.getValue().shape()));
            }
        }
        out.flush();
    }

    /** The value of one {@link ArchitectureResolver#FIELDS} entry. */
    static String value(ClipArchitecture a, String field) {
        return switch (field) {
            case "embed_dim" -> String.valueOf(a.embedDim());
            case "vision_cfg.type" -> a.isVit() ? "ViT" : "ModifiedResNet";
            case "vision_cfg.image_size" -> String.valueOf(a.imageResolution());
            case "vision_cfg.layers" -> a.isVit() ? String.valueOf(a.visionLayers()[0]) : Arrays.toString(a.visionLayers());
            case "vision_cfg.width" -> String.valueOf(a.visionWidth());
            case "vision_cfg.patch_size" -> String.valueOf(a.visionPatchSize());
            case "vision_cfg.heads" -> String.valueOf(a.visionHeads());
            case "vision_cfg.mlp_width" -> String.valueOf(a.vision().mlpWidth());
            case "vision_cfg.act" -> a.isVit() ? a.vision().activation().hfName() : "(none: ResNet)";
            case "vision_cfg.layer_norm_eps" -> String.valueOf(a.vision().layerNormEps());
            case "vision_cfg.ls" -> a.vision().layerScale() ? "LayerScale " + a.vision().layerScaleInit() : "none";
            case "text_cfg.context_length" -> String.valueOf(a.contextLength());
            case "text_cfg.vocab_size" -> String.valueOf(a.vocabSize());
            case "text_cfg.width" -> String.valueOf(a.transformerWidth());
            case "text_cfg.heads" -> String.valueOf(a.transformerHeads());
            case "text_cfg.layers" -> String.valueOf(a.transformerLayers());
            case "text_cfg.mlp_width" -> String.valueOf(a.text().mlpWidth());
            case "text_cfg.act" -> a.text().activation().hfName();
            case "text_cfg.layer_norm_eps" -> String.valueOf(a.text().layerNormEps());
            case "text_cfg.ls" -> a.text().layerScale() ? "LayerScale " + a.text().layerScaleInit() : "none";
            default -> "?";
        };
    }
}
