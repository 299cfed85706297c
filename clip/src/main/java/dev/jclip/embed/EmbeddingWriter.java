package dev.jclip.embed;

import dev.jclip.io.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes embeddings into a folder as they come, so a run can stop at any moment: each batch is
 * one small safetensors file ({@code batch-NNNNNNNNN.safetensors}, written atomically) as soon as
 * it is computed; once {@code shardRows} rows are pending they are merged into a shard
 * ({@code shard-NNNNN.safetensors}), the manifest records the shard, then the batch files go.
 * Memory holds at most one shard. {@link #open} with {@code resume} continues a folder: the keys
 * already in shards and batch files are reported by {@link #done()} and skipped by the caller;
 * batch files already merged into a shard (a run killed between the two steps) are deleted.
 * Read the folder with {@link EmbeddingReader}.
 *
 * <pre>{@code
 * try (EmbeddingWriter w = EmbeddingWriter.open(dir, 512, Map.of("checkpoint", "ViT-B-32.pt"), 10_000, false)) {
 *     w.accept(List.of("a.jpg", "b.jpg"), vectors);      // durable when this returns
 * }
 * }</pre>
 */
public final class EmbeddingWriter implements EmbeddingSink, AutoCloseable {
    private static final Pattern BATCH = Pattern.compile("batch-(\\d{9})\\.safetensors");

    private final Path dir;
    private final int dim;
    private final int shardRows;
    private EmbeddingManifest manifest;
    private final TreeMap<Long, Path> pending = new TreeMap<>();
    private long pendingRows;
    private long nextBatch;
    private final Set<String> done = new HashSet<>();

    private EmbeddingWriter(Path dir, EmbeddingManifest manifest, int shardRows) {
        this.dir = dir;
        this.dim = manifest.dim();
        this.shardRows = shardRows;
        this.manifest = manifest;
    }

    /**
     * @param model     what made the vectors (recorded; on resume it must match the folder's)
     * @param shardRows rows per shard file (memory bound while merging)
     * @param resume    continue an existing folder; without it a non-empty folder is refused
     */
    public static EmbeddingWriter open(Path dir, int dim, Map<String, String> model, int shardRows, boolean resume) {
        if (shardRows < 1) throw new IllegalArgumentException("shard size must be >= 1, got " + shardRows);
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " exists and is not a folder");
            boolean hasManifest = Files.exists(dir.resolve(EmbeddingManifest.FILE));
            boolean nonEmpty = Files.isDirectory(dir) && !isEmpty(dir);
            if (nonEmpty && !resume) {
                throw new IllegalArgumentException(dir + " is not empty: pass --resume to continue it, or choose another --out");
            }
            if (nonEmpty && !hasManifest) throw new IllegalArgumentException(dir + " is not empty and has no " + EmbeddingManifest.FILE + ": not an embedding folder");
            Files.createDirectories(dir);
            EmbeddingManifest m;
            if (hasManifest) {
                m = EmbeddingManifest.read(dir);
                if (m.dim() != dim) throw new IllegalArgumentException(dir + " holds " + m.dim() + "-d vectors, this model makes " + dim + "-d");
                for (String k : List.of("checkpoint", "config", "transform")) {
                    if (m.model().containsKey(k) && model.containsKey(k) && !m.model().get(k).equals(model.get(k))) {
                        throw new IllegalArgumentException(dir + " was made with " + k + " " + m.model().get(k) + ", not " + model.get(k) + "; resume with the same model");
                    }
                }
            } else {
                m = new EmbeddingManifest(dim, model, List.of());
                m.write(dir);
            }
            EmbeddingWriter w = new EmbeddingWriter(dir, m, shardRows);
            w.recover();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private void recover() throws IOException {
        for (EmbeddingManifest.Shard s : manifest.shards()) done.addAll(EmbeddingFile.readKeys(dir.resolve(s.file())));
        long covered = manifest.lastBatch();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                Matcher m = BATCH.matcher(n);
                if (m.matches()) {
                    long seq = Long.parseLong(m.group(1));
                    if (seq <= covered) Files.delete(p);           // merged into a shard before the stop
                    else pending.put(seq, p);
                } else if (AtomicFile.isTemporary(p)) {
                    Files.delete(p);                                // a write cut short by the stop
                }
            }
        }
        for (Path p : pending.values()) {
            List<String> keys = EmbeddingFile.readKeys(p);
            done.addAll(keys);
            pendingRows += keys.size();
        }
        nextBatch = Math.max(covered, pending.isEmpty() ? -1 : pending.lastKey()) + 1;
    }

    /** Keys already embedded in this folder (after {@code resume}). */
    public Set<String> done() { return java.util.Collections.unmodifiableSet(done); }

    public int dim() { return dim; }

    @Override public void accept(List<String> keys, float[] vectors) {
        if (keys.isEmpty()) return;
        long seq = nextBatch++;
        Path p = dir.resolve(String.format("batch-%09d.safetensors", seq));
        EmbeddingFile.write(p, keys, vectors, dim);
        pending.put(seq, p);
        pendingRows += keys.size();
        if (pendingRows >= shardRows) mergePending();
    }

    /** Merges pending batch files into one shard, records it, then deletes them. */
    private void mergePending() {
        if (pending.isEmpty()) return;
        List<String> keys = new ArrayList<>();
        float[] all = new float[Math.toIntExact(pendingRows * dim)];
        int off = 0;
        for (Path p : pending.values()) {
            EmbeddingFile f = EmbeddingFile.read(p, dim);
            keys.addAll(f.keys());
            System.arraycopy(f.vectors(), 0, all, off, f.vectors().length);
            off += f.vectors().length;
        }
        String name = String.format("shard-%05d.safetensors", manifest.shards().size());
        EmbeddingFile.write(dir.resolve(name), keys, all, dim);
        manifest = manifest.withShard(new EmbeddingManifest.Shard(name, keys.size(), pending.lastKey()));
        manifest.write(dir);
        try {
            for (Path p : pending.values()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete merged batch files in " + dir, e);
        }
        pending.clear();
        pendingRows = 0;
    }

    /** Merges what is pending into a last shard. */
    @Override public void close() { mergePending(); }
}
