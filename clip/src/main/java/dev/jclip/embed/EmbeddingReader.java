package dev.jclip.embed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads an embedding folder written by {@code clip embed} ({@link EmbeddingWriter}): the shards
 * of the manifest in order, then the batch files of a run that has not finished (so a stopped run
 * is readable as far as it got). Vectors are float32, L2-normalised, {@link #dim()} long.
 *
 * <pre>{@code
 * EmbeddingReader r = EmbeddingReader.open(Path.of("emb"));
 * r.forEachChunk((keys, vectors) -> {               // one shard at a time: memory stays flat
 *     for (int i = 0; i < keys.size(); i++) use(keys.get(i), vectors, i * r.dim());
 * });
 * EmbeddingReader.All all = r.readAll();             // small sets: everything in memory
 * }</pre>
 */
public final class EmbeddingReader {
    private static final Pattern BATCH = Pattern.compile("batch-(\\d{9})\\.safetensors");

    /** Receives one file's rows. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(List<String> keys, float[] vectors);
    }

    /** Every key and vector, row after row. */
    public record All(List<String> keys, float[] vectors, int dim) {
        public float[] row(int i) { return java.util.Arrays.copyOfRange(vectors, i * dim, (i + 1) * dim); }
    }

    private final Path dir;
    private final EmbeddingManifest manifest;
    private final List<Path> files;

    private EmbeddingReader(Path dir, EmbeddingManifest manifest, List<Path> files) {
        this.dir = dir;
        this.manifest = manifest;
        this.files = files;
    }

    public static EmbeddingReader open(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such folder");
        EmbeddingManifest m = EmbeddingManifest.read(dir);
        List<Path> files = new ArrayList<>();
        for (EmbeddingManifest.Shard s : m.shards()) files.add(dir.resolve(s.file()));
        TreeMap<Long, Path> batches = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Matcher mm = BATCH.matcher(p.getFileName().toString());
                if (mm.matches() && Long.parseLong(mm.group(1)) > m.lastBatch()) batches.put(Long.parseLong(mm.group(1)), p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        files.addAll(batches.values());
        return new EmbeddingReader(dir, m, files);
    }

    public int dim() { return manifest.dim(); }

    /** What made the vectors (checkpoint, config, tokenizer...). */
    public Map<String, String> model() { return manifest.model(); }

    public Path folder() { return dir; }

    /** Rows in every file (reads the file headers). */
    public long size() {
        long n = 0;
        for (Path p : files) n += EmbeddingFile.readKeys(p).size();
        return n;
    }

    /** Each shard (and unmerged batch) in order; one file in memory at a time. */
    public void forEachChunk(ChunkConsumer sink) {
        for (Path p : files) {
            EmbeddingFile f = EmbeddingFile.read(p, dim());
            sink.accept(f.keys(), f.vectors());
        }
    }

    /** Everything in memory (for small sets). */
    public All readAll() {
        List<String> keys = new ArrayList<>();
        List<float[]> parts = new ArrayList<>();
        forEachChunk((k, v) -> { keys.addAll(k); parts.add(v); });
        float[] all = new float[Math.toIntExact((long) keys.size() * dim())];
        int off = 0;
        for (float[] v : parts) { System.arraycopy(v, 0, all, off, v.length); off += v.length; }
        return new All(keys, all, dim());
    }
}
