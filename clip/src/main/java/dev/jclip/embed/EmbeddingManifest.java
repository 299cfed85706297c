package dev.jclip.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.io.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of an embedding folder: the format, the vector length, the model that made
 * the vectors (free-form strings: checkpoint, config, tokenizer...) and the finished shards in
 * order, each with its row count and the last batch file it absorbed (batch files up to that
 * number are covered by the shard and may be deleted).
 *
 * <pre>{@code
 * {"format": "jclip-embeddings", "version": 1, "dim": 512, "rows": 20000,
 *  "model": {"checkpoint": "/models/ViT-B-32.pt", ...},
 *  "shards": [{"file": "shard-00000.safetensors", "rows": 10000, "last_batch": 156}, ...]}
 * }</pre>
 */
public record EmbeddingManifest(int dim, Map<String, String> model, List<Shard> shards) {
    public static final String FILE = "manifest.json";
    static final String FORMAT = "jclip-embeddings";

    public record Shard(String file, long rows, long lastBatch) {}

    public EmbeddingManifest {
        model = Map.copyOf(model);
        shards = List.copyOf(shards);
    }

    public long rows() { return shards.stream().mapToLong(Shard::rows).sum(); }

    public long lastBatch() { return shards.isEmpty() ? -1 : shards.getLast().lastBatch(); }

    EmbeddingManifest withShard(Shard s) {
        List<Shard> l = new ArrayList<>(shards);
        l.add(s);
        return new EmbeddingManifest(dim, model, l);
    }

    void write(Path dir) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("format", FORMAT).put("version", 1).put("dim", dim).put("rows", rows());
        ObjectNode m = n.putObject("model");
        model.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(), e.getValue()));
        ArrayNode a = n.putArray("shards");
        for (Shard s : shards) a.addObject().put("file", s.file()).put("rows", s.rows()).put("last_batch", s.lastBatch());
        try {
            AtomicFile.write(dir.resolve(FILE), om.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code dir/manifest.json}; an error naming the file and the problem. */
    public static EmbeddingManifest read(Path dir) {
        Path f = dir.resolve(FILE);
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": cannot read the manifest (" + e.getMessage() + ")", e);
        }
        if (!FORMAT.equals(n.path("format").asText())) {
            throw new IllegalArgumentException(f + ": not a jclip embedding manifest (format '" + n.path("format").asText() + "')");
        }
        int dim = n.path("dim").asInt(-1);
        if (dim < 1) throw new IllegalArgumentException(f + ": bad 'dim' " + n.path("dim"));
        Map<String, String> model = new LinkedHashMap<>();
        n.path("model").fields().forEachRemaining(e -> model.put(e.getKey(), e.getValue().asText()));
        List<Shard> shards = new ArrayList<>();
        for (JsonNode s : n.path("shards")) {
            String file = s.path("file").asText("");
            if (file.isEmpty() || file.contains("/") || file.contains("\\")) throw new IllegalArgumentException(f + ": bad shard file name '" + file + "'");
            shards.add(new Shard(file, s.path("rows").asLong(), s.path("last_batch").asLong()));
        }
        return new EmbeddingManifest(dim, model, shards);
    }
}
