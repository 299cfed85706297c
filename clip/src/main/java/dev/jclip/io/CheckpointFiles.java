package dev.jclip.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CLIP checkpoint as it lies on disk, read but not interpreted: the weights (OpenAI's names,
 * {@link ClipNames}) and the description files beside them, as raw JSON and paths. Layouts:
 * <ul>
 *   <li>a single file: OpenAI TorchScript, {@code torch.save} (with wrappers), safetensors;</li>
 *   <li>an HF {@code CLIPModel} folder: {@code config.json} with {@code model.safetensors}, a sharded
 *       {@code model.safetensors.index.json}, {@code pytorch_model.bin} (or its index); tokenizer
 *       files {@code vocab.json} + {@code merges.txt} or {@code tokenizer.json};
 *       {@code preprocessor_config.json};</li>
 *   <li>an open_clip hub folder: {@code open_clip_config.json} ({@code model_cfg},
 *       {@code preprocess_cfg}) with {@code open_clip_model.safetensors} or
 *       {@code open_clip_pytorch_model.bin}.</li>
 * </ul>
 * What the configs mean is decided above this package (in the model package).
 *
 * <pre>{@code
 * try (CheckpointFiles f = CheckpointFiles.open(Path.of("clip-vit-base-patch32"))) {
 *     f.layout();                 // HF_FOLDER
 *     f.config();                 // config.json as JSON
 *     f.weights().get("visual.proj");
 * }
 * }</pre>
 */
public final class CheckpointFiles implements AutoCloseable {
    /** How the checkpoint is laid out. */
    public enum Layout {
        FILE("file"), HF_FOLDER("Hugging Face CLIPModel folder"), OPEN_CLIP_FOLDER("open_clip hub folder");
        private final String label;
        Layout(String label) { this.label = label; }
        public String label() { return label; }
    }

    /** Tokenizer files found beside the weights (any may be null). */
    public record TokenizerFiles(Path vocabJson, Path mergesTxt, Path tokenizerJson) {
        public boolean isEmpty() { return vocabJson == null && tokenizerJson == null; }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHARD = Pattern.compile("^(.*)-(\\d{5})-of-(\\d{5})\\.(safetensors|bin)$");

    private final Path path;
    private final Layout layout;
    private final StateDict weights;
    private final List<Path> weightFiles;
    private final Path configFile;
    private final JsonNode config;
    private final Path preprocessFile;
    private final JsonNode preprocess;
    private final TokenizerFiles tokenizer;

    private CheckpointFiles(Path path, Layout layout, StateDict weights, List<Path> weightFiles, Path configFile, JsonNode config,
                            Path preprocessFile, JsonNode preprocess, TokenizerFiles tokenizer) {
        this.path = path;
        this.layout = layout;
        this.weights = weights;
        this.weightFiles = List.copyOf(weightFiles);
        this.configFile = configFile;
        this.config = config;
        this.preprocessFile = preprocessFile;
        this.preprocess = preprocess;
        this.tokenizer = tokenizer;
    }

    /** Reads a checkpoint file or folder (see the class comment for the layouts). */
    public static CheckpointFiles open(Path path) {
        if (Files.isDirectory(path)) return openFolder(path);
        if (!Files.exists(path)) throw new CheckpointException(path, "no such file or folder");
        Matcher m = SHARD.matcher(String.valueOf(path.getFileName()));
        if (m.matches() && Integer.parseInt(m.group(3)) > 1) {
            throw new CheckpointException(path, "is one shard of " + Integer.parseInt(m.group(3)) + " of a sharded checkpoint: "
                    + "pass the folder that holds it and its index (" + m.group(1) + "." + m.group(4) + ".index.json)");
        }
        StateDict sd = Checkpoints.loadClip(path);
        return new CheckpointFiles(path, Layout.FILE, sd, List.of(path), null, null, null, null, new TokenizerFiles(null, null, null));
    }

    private static CheckpointFiles openFolder(Path dir) {
        Path ocConfig = dir.resolve("open_clip_config.json");
        Path hfConfig = dir.resolve("config.json");
        TokenizerFiles tok = tokenizerFiles(dir);
        // Hub repositories of LAION models hold both layouts; open_clip's files describe open_clip's weights.
        Path ocWeights = firstExisting(dir, "open_clip_model.safetensors", "open_clip_pytorch_model.bin");
        if (Files.isRegularFile(ocConfig) && (ocWeights != null || !Files.isRegularFile(hfConfig))) {
            if (ocWeights == null) throw noWeights(dir, "open_clip_model.safetensors or open_clip_pytorch_model.bin beside open_clip_config.json");
            JsonNode root = readJson(ocConfig);
            JsonNode modelCfg = root.get("model_cfg");
            if (modelCfg == null || !modelCfg.isObject()) throw new CheckpointException(ocConfig, "has no object 'model_cfg'");
            JsonNode pre = root.get("preprocess_cfg");
            StateDict sd = Checkpoints.loadClip(ocWeights);
            return new CheckpointFiles(dir, Layout.OPEN_CLIP_FOLDER, sd, List.of(ocWeights), ocConfig, modelCfg,
                    pre == null || pre.isNull() ? null : ocConfig, pre == null || pre.isNull() ? null : pre, tok);
        }
        if (Files.isRegularFile(hfConfig)) {
            JsonNode cfg = readJson(hfConfig);
            List<Path> files = new ArrayList<>();
            StateDict sd = hfWeights(dir, files);
            try {
                Path pre = dir.resolve("preprocessor_config.json");
                JsonNode preJson = Files.isRegularFile(pre) ? readJson(pre) : null;
                return new CheckpointFiles(dir, Layout.HF_FOLDER, sd, files, hfConfig, cfg, preJson == null ? null : pre, preJson, tok);
            } catch (RuntimeException e) {
                sd.close();
                throw e;
            }
        }
        // a folder holding one weights file and nothing that describes it (e.g. OpenAI's ViT-B-32.pt and a vocabulary)
        List<Path> candidates = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = String.valueOf(p.getFileName());
                if (Files.isRegularFile(p) && (n.endsWith(".safetensors") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".bin")))
                    candidates.add(p);
            }
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot list: " + e, e);
        }
        if (candidates.size() == 1) {
            StateDict sd = Checkpoints.loadClip(candidates.get(0));
            return new CheckpointFiles(dir, Layout.FILE, sd, candidates, null, null, null, null, tok);
        }
        throw new CheckpointException(dir, "is a folder without config.json (Hugging Face) or open_clip_config.json (open_clip)"
                + (candidates.isEmpty() ? " and without weights" : " and with " + candidates.size() + " weight files "
                + candidates.stream().map(p -> String.valueOf(p.getFileName())).toList())
                + "; pass the weights file itself, or the folder as downloaded");
    }

    /** {@code model.safetensors}, its sharded index, {@code pytorch_model.bin}, or its index: one arena for all. */
    private static StateDict hfWeights(Path dir, List<Path> files) {
        Path single = firstExisting(dir, "model.safetensors", "pytorch_model.bin");
        if (single != null) {
            files.add(single);
            return Checkpoints.loadClip(single);
        }
        Path index = firstExisting(dir, "model.safetensors.index.json", "pytorch_model.bin.index.json");
        if (index == null) throw noWeights(dir, "model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json");
        JsonNode map = readJson(index).get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) throw new CheckpointException(index, "has no object 'weight_map' (tensor name -> shard file)");
        Map<String, List<String>> byShard = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText("");
            if (!e.getValue().isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith("."))
                throw new CheckpointException(index, "weight_map entry '" + e.getKey() + "' names shard " + e.getValue() + ", not a file name in this folder");
            byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(e.getKey());
        }
        Arena arena = Arena.ofShared();
        try {
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
                Path shard = dir.resolve(e.getKey());
                if (!Files.isRegularFile(shard))
                    throw new CheckpointException(index, "shard '" + e.getKey() + "' (holding '" + e.getValue().get(0) + "' and "
                            + (e.getValue().size() - 1) + " more) is missing from " + dir);
                files.add(shard);
                StateDict part = e.getKey().endsWith(".safetensors") ? Safetensors.read(shard, arena) : TorchZip.read(ZipStore.open(shard, arena), arena);
                for (String name : e.getValue()) {
                    if (!part.contains(name)) throw new CheckpointException(shard, "lacks tensor '" + name + "', which " + index.getFileName() + " puts there");
                    tensors.put(name, part.get(name));
                }
                metadata.putAll(part.metadata());
            }
            StateDict merged = new StateDict(tensors, metadata, arena,
                    index.toString().endsWith(".bin.index.json") ? CheckpointFormat.TORCH_ZIP : CheckpointFormat.SAFETENSORS, index);
            return ClipNames.toOpenAI(merged);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static TokenizerFiles tokenizerFiles(Path dir) {
        Path vocab = dir.resolve("vocab.json"), merges = dir.resolve("merges.txt"), tj = dir.resolve("tokenizer.json");
        boolean hasVocab = Files.isRegularFile(vocab), hasMerges = Files.isRegularFile(merges);
        if (hasVocab != hasMerges && !Files.isRegularFile(tj))
            throw new CheckpointException(hasVocab ? vocab : merges, "has no " + (hasVocab ? "merges.txt" : "vocab.json")
                    + " beside it: a BPE tokenizer needs both (or tokenizer.json)");
        return new TokenizerFiles(hasVocab && hasMerges ? vocab : null, hasVocab && hasMerges ? merges : null,
                Files.isRegularFile(tj) ? tj : null);
    }

    private static Path firstExisting(Path dir, String... names) {
        for (String n : names) if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        return null;
    }

    private static CheckpointException noWeights(Path dir, String expected) {
        return new CheckpointException(dir, "holds no weights: expected " + expected);
    }

    /** Reads a JSON file; errors name the file. */
    public static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            if (n == null || !n.isObject()) throw new CheckpointException(file, "is not a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + MappedFile.reason(e), e);
        }
    }

    /** The file or folder given. */
    public Path path() { return path; }

    public Layout layout() { return layout; }

    /** The weights with OpenAI's names (owned by this object). */
    public StateDict weights() { return weights; }

    /** The files the weights came from (several for a sharded folder). */
    public List<Path> weightFiles() { return weightFiles; }

    /** {@code config.json} or {@code open_clip_config.json}; null for a single file. */
    public Path configFile() { return configFile; }

    /** HF's {@code config.json} or open_clip's {@code model_cfg}, raw; null for a single file. */
    public JsonNode config() { return config; }

    /** {@code preprocessor_config.json} or {@code open_clip_config.json}; null when absent. */
    public Path preprocessFile() { return preprocessFile; }

    /** HF's {@code preprocessor_config.json} or open_clip's {@code preprocess_cfg}, raw; null when absent. */
    public JsonNode preprocess() { return preprocess; }

    /** Tokenizer files beside the weights. */
    public TokenizerFiles tokenizer() { return tokenizer; }

    /** The weights' string metadata (safetensors {@code __metadata__}, trainer scalars, TorchScript buffers). */
    public Map<String, String> metadata() { return weights.metadata(); }

    @Override public void close() { weights.close(); }

    @Override public String toString() { return "CheckpointFiles[" + layout.label() + ", " + path + "]"; }
}
