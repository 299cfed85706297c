package dev.jclip.model;

import dev.jclip.image.ImageTransform;
import dev.jclip.io.CheckpointFiles;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jclip's self-contained checkpoint: one safetensors file with exactly the tensors of the CLIP
 * model under OpenAI's names (what a strict open_clip / openai {@code load_state_dict} accepts),
 * and metadata that makes it complete: {@code config} (open_clip's {@code model_cfg} layout, every
 * option), {@code config_source} (where that came from: a config file, a name, or inferred from
 * shapes: never a guess presented as fact), {@code tokenizer} with the vocabulary and merges
 * embedded ({@link CheckpointTokenizer}), {@code image_transform}, {@code source_format}, and the
 * source's own scalar metadata (e.g. the TorchScript buffers {@code input_resolution},
 * {@code context_length}, {@code vocab_size}).
 *
 * <pre>{@code
 * LoadedClip.convert(Path.of("ViT-B-32.pt"), Path.of("ViT-B-32.safetensors"), LoadedClip.Options.defaults().withVocab(bpe));
 * }</pre>
 */
final class SelfContainedFile {
    /** Keys this writer regenerates; a source's values for them are not carried over. */
    private static final Set<String> REGENERATED = Set.of("format", "config", "config_source", "source_format", "source",
            CheckpointTokenizer.KEY, CheckpointTokenizer.VOCAB_KEY, CheckpointTokenizer.MERGES_KEY, ImageTransform.METADATA_KEY);

    private SelfContainedFile() {}

    /** Refuses an output that is not {@code .safetensors} or that is the input itself. */
    static void checkOutput(Path out, Path in) {
        String name = String.valueOf(out.getFileName());
        if (!name.endsWith(".safetensors")) {
            throw new IllegalArgumentException(out + ": jclip writes self-contained checkpoints as safetensors; name the output *.safetensors "
                    + "(a .pt/.bin name would promise a torch.save file)");
        }
        if (Files.isDirectory(out)) throw new IllegalArgumentException(out + " is a folder; give a file name *.safetensors");
        try {
            Path absOut = out.toAbsolutePath().normalize(), absIn = in.toAbsolutePath().normalize();
            if (absOut.equals(absIn) || (Files.exists(out) && Files.exists(in) && Files.isSameFile(out, in))
                    || (Files.isDirectory(in) && absOut.getParent().equals(absIn) && isWeightName(name))) {
                throw new IllegalArgumentException(out + " is the input checkpoint (or one of its files); write to another file");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot compare " + out + " with " + in + ": " + e.getMessage(), e);
        }
    }

    private static boolean isWeightName(String name) {
        return name.equals("model.safetensors") || name.equals("open_clip_model.safetensors") || name.matches("model-\\d{5}-of-\\d{5}\\.safetensors");
    }

    /** The source's metadata worth keeping (scalars such as TorchScript buffers), plus {@code source_format}. */
    static Map<String, String> carriedMetadata(Map<String, String> source, StateDict weights) {
        Map<String, String> out = new LinkedHashMap<>();
        source.forEach((k, v) -> { if (!REGENERATED.contains(k)) out.put(k, v); });
        String fmt = source.get("source_format");
        out.put("source_format", fmt != null ? fmt : weights.format() == null ? "memory" : weights.format().label());
        return out;
    }

    /** The weights as the architecture declares them, in its order; anything missing, extra or mis-shaped is an error. */
    static Map<String, TensorData> strictTensors(StateDict weights, ClipArchitecture a) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>(), shapes = new ArrayList<>(), unexpected = new ArrayList<>();
        try (ClipModel declared = new ClipModel(a)) {
            for (Parameter p : declared.store().entries()) {
                TensorData t = weights.tensors().get(p.name());
                if (t == null) missing.add(p.name());
                else if (!Arrays.equals(t.shape(), p.shape())) shapes.add(p.name() + ": checkpoint " + Arrays.toString(t.shape()) + " vs model " + Arrays.toString(p.shape()));
                else out.put(p.name(), t);
            }
            for (String k : weights.names()) if (declared.store().entry(k) == null) unexpected.add(k);
        }
        if (!missing.isEmpty() || !shapes.isEmpty() || !unexpected.isEmpty()) throw new StateDictMismatchException(missing, unexpected, shapes);
        return out;
    }

    static void write(Path out, Map<String, TensorData> tensors, ArchitectureResolver.Resolution r, CheckpointTokenizer.Found tok,
                      ImageTransform transform, Map<String, String> carried, Path source, CheckpointFiles.Layout layout) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("format", "pt");
        md.put("config", r.architecture().toJsonNode().toString());
        md.put("config_source", r.origin());
        md.put("source", source.getFileName() + " (" + layout.label() + ")");
        md.putAll(carried);
        if (tok != null) md.putAll(CheckpointTokenizer.embed(tok.tokenizer(), shortSource(tok.source())));
        md.put(ImageTransform.METADATA_KEY, transform.toJson());
        Safetensors.write(out, tensors, md);
    }


    /** "bpe:/abs/dir/vocab.json" -> "dir/vocab.json": where the tokenizer came from, without the machine's paths. */
    private static String shortSource(String source) {
        int colon = source.indexOf(':');
        if (colon < 0) return source;
        Path p = Path.of(source.substring(colon + 1));
        Path parent = p.getParent();
        return source.substring(0, colon + 1) + (parent == null || parent.getFileName() == null ? p.getFileName() : parent.getFileName() + "/" + p.getFileName());
    }
}
