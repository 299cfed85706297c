package dev.jclip.io;

import dev.jclip.torch.DType;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Named tensors read from one checkpoint, in file order, plus the file's string metadata. The
 * tensors are views over memory owned by {@link #arena()} (memory-mapped files and the few
 * copies); {@link #close()} releases it, after which no tensor may be touched.
 *
 * <pre>{@code
 * try (StateDict sd = Checkpoints.load(Path.of("ViT-B-32.pt"))) {
 *     TensorData proj = sd.get("visual.proj");
 *     System.out.println(sd.size() + " tensors, " + sd.totalBytes() + " bytes");
 * }
 * }</pre>
 */
public final class StateDict implements AutoCloseable {
    private final Map<String, TensorData> tensors;
    private final Map<String, String> metadata;
    private final Arena arena;
    private final CheckpointFormat format;
    private final Path source;

    /**
     * @param tensors  name -> tensor, kept in the given order
     * @param metadata string metadata (safetensors {@code __metadata__}, or what a reader adds)
     * @param arena    owns every segment the tensors view; closed by {@link #close()}
     * @param format   the format read (null for a dict built in memory)
     * @param source   the file read (null for a dict built in memory)
     */
    public StateDict(Map<String, TensorData> tensors, Map<String, String> metadata, Arena arena,
                     CheckpointFormat format, Path source) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.arena = arena;
        this.format = format;
        this.source = source;
    }

    /** The tensors, in file order (unmodifiable). */
    public Map<String, TensorData> tensors() { return tensors; }

    /** String metadata (unmodifiable). */
    public Map<String, String> metadata() { return metadata; }

    /** The arena that owns the mappings and copies; also usable for new tensors of this dict. */
    public Arena arena() { return arena; }

    /** The format read, or null. */
    public CheckpointFormat format() { return format; }

    /** The file read, or null. */
    public Path source() { return source; }

    public int size() { return tensors.size(); }

    public Set<String> names() { return tensors.keySet(); }

    public boolean contains(String name) { return tensors.containsKey(name); }

    /** The tensor called {@code name}; throws naming the file when there is none. */
    public TensorData get(String name) {
        TensorData t = tensors.get(name);
        if (t == null) throw new CheckpointException(source, "no tensor named '" + name + "' (" + tensors.size() + " tensors)");
        return t;
    }

    /** Sum of the tensors' logical sizes in bytes. */
    public long totalBytes() {
        long n = 0;
        for (TensorData t : tensors.values()) n += t.byteSize();
        return n;
    }

    /** Count of tensors per dtype, sorted by dtype. */
    public Map<DType, Integer> dtypeCounts() {
        Map<DType, Integer> m = new TreeMap<>();
        for (TensorData t : tensors.values()) m.merge(t.dtype(), 1, Integer::sum);
        return m;
    }

    /** name -> shape, in order (what {@code ClipArchitecture.inferFrom} takes). */
    public Map<String, long[]> shapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, v.shape()));
        return m;
    }

    /**
     * A dict with other tensors (e.g. renamed ones) over the same arena. The two share one owner:
     * close only one of them.
     */
    public StateDict withTensors(Map<String, TensorData> newTensors) {
        return new StateDict(newTensors, metadata, arena, format, source);
    }

    /** Releases the mappings and copies; idempotent. */
    /**
     * Every tensor as a zero-copy libtorch tensor (read-only over a mapped file), in file order.
     * They must not outlive this state dict.
     *
     * <pre>{@code
     * try (StateDict sd = Checkpoints.loadClip(path)) {
     *     Map<String, Tensor> weights = sd.toTensors();
     * }
     * }</pre>
     */
    public Map<String, dev.jclip.torch.Tensor> toTensors() {
        Map<String, dev.jclip.torch.Tensor> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) out.put(e.getKey(), e.getValue().toTensor());
        return out;
    }

    @Override public void close() {
        if (!arena.scope().isAlive()) return;
        try {
            arena.close();
        } catch (UnsupportedOperationException e) {
            // a global or automatic arena: nothing to release deterministically
        }
    }

    @Override public String toString() {
        return "StateDict[" + (format == null ? "memory" : format.label()) + ", " + tensors.size() + " tensors"
                + (source == null ? "" : ", " + source) + "]";
    }
}
