package dev.jclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.io.AtomicFile;
import dev.jclip.io.CheckpointException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training run's output folder, in which a checkpoint is committed as one unit:
 * <pre>
 * OUT/checkpoints/step-00000120/   model.safetensors, train_state.safetensors, train_state.json
 * OUT/checkpoint.json              {"step":120,"dir":"checkpoints/step-00000120"}: the pointer
 * OUT/model.safetensors            the latest committed model (a hard link into its step folder)
 * OUT/metrics.jsonl, OUT/loss.png  history and its plot
 * </pre>
 * A commit writes the three files into a fresh {@code .step-N.partial} folder, renames it to
 * {@code step-N}, then switches the pointer with one atomic rename; only then is the previous step
 * folder deleted. A kill at any moment leaves the pointer naming a complete set: either the old one
 * or the new one. {@link #resume} removes what a kill left (partial folders, step folders the
 * pointer does not name, temporary files) and cuts {@code metrics.jsonl} back to the resumed step,
 * so the history of the continued run has no records of steps it will repeat.
 *
 * <p>A folder holding a run is never reused silently: {@link #startNew} refuses it unless asked to
 * clear it (which removes only the run's own files, never anything else in the folder).
 *
 * <pre>{@code
 * RunFolder run = new RunFolder(out);
 * if (resume) run.resume(trainer); else run.startNew(overwrite);
 * run.commit(trainer, configJson, tokenizerJson, Map.of(), null);
 * }</pre>
 */
public final class RunFolder {
    /** The pointer to the last complete checkpoint. */
    public static final String POINTER = "checkpoint.json";
    /** The folder of step folders. */
    public static final String STEPS = "checkpoints";
    public static final String METRICS = "metrics.jsonl";
    /** What a run writes into its folder; anything else there is the user's and is left alone. */
    public static final List<String> RUN_FILES = List.of(POINTER, STEPS, TrainCheckpoint.MODEL_FILE, TrainCheckpoint.STATE_FILE,
            TrainCheckpoint.JSON_FILE, METRICS, "loss.png", "similarity.png");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path out;

    public RunFolder(Path out) { this.out = out; }

    public Path path() { return out; }

    /** The run files present in the folder (empty for a new or unrelated folder). */
    public List<String> runFiles() {
        List<String> found = new ArrayList<>();
        for (String f : RUN_FILES) if (Files.exists(out.resolve(f))) found.add(f);
        return found;
    }

    /**
     * Prepares a new run: a folder holding a previous run is refused, or with {@code overwrite}
     * cleared of that run's files (and only those).
     *
     * @throws IllegalArgumentException naming the folder and what it holds
     */
    public void startNew(boolean overwrite) {
        List<String> found = runFiles();
        if (found.isEmpty()) return;
        if (!overwrite) {
            throw new IllegalArgumentException(out + " already holds a training run (" + String.join(", ", found)
                    + "): pass --resume to continue it, --overwrite to delete it and start over, or another --out");
        }
        for (String f : found) deleteTree(out.resolve(f));
        removeTempFiles(out);
    }

    /** The folder of the last complete checkpoint, or null when there is none. Older runs kept the three files in OUT itself. */
    public Path latest() {
        Path ptr = out.resolve(POINTER);
        if (Files.isRegularFile(ptr)) {
            JsonNode n = TrainCheckpoint.readJson(ptr);
            String dir = n.path("dir").asText("");
            if (dir.isEmpty() || dir.contains("..") || Path.of(dir).isAbsolute()) {
                throw new CheckpointException(ptr, "'dir' must name a step folder inside " + out + ", got '" + dir + "'");
            }
            Path d = out.resolve(dir);
            if (!Files.isRegularFile(d.resolve(TrainCheckpoint.JSON_FILE))) {
                throw new CheckpointException(ptr, "points to " + d + ", which holds no " + TrainCheckpoint.JSON_FILE);
            }
            return d;
        }
        return Files.isRegularFile(out.resolve(TrainCheckpoint.JSON_FILE)) ? out : null;
    }

    /** {@code dir} itself, or the step folder its pointer names when {@code dir} is a run folder. */
    public static Path checkpointDir(Path dir) {
        Path latest = new RunFolder(dir).latest();
        return latest != null ? latest : dir;
    }

    /**
     * Cleans what an interrupted run left, loads the last complete checkpoint into {@code trainer}
     * ({@link TrainCheckpoint#resume}) and cuts the metrics back to its step; returns the step.
     */
    public long resume(Trainer trainer) { return resume(trainer, true); }

    /**
     * As {@link #resume(Trainer)}; {@code owner} false only loads (the other ranks of a
     * data-parallel job: rank 0 alone cleans and writes).
     */
    public long resume(Trainer trainer, boolean owner) {
        Path dir = latest();
        if (dir == null) {
            throw new IllegalArgumentException("--resume: " + out + " holds no checkpoint (" + POINTER + " or " + TrainCheckpoint.JSON_FILE + ")");
        }
        if (owner) removeLeftovers(dir);
        long step = TrainCheckpoint.resume(dir, trainer);
        if (owner) truncateMetrics(step);
        return step;
    }

    /** The {@code train_state.json} of the last complete checkpoint, or null. */
    public JsonNode latestState() {
        Path d = latest();
        return d == null ? null : TrainCheckpoint.readJson(d.resolve(TrainCheckpoint.JSON_FILE));
    }

    /** Deletes partial and orphaned step folders and temporary files; {@code keep} is the live checkpoint. */
    void removeLeftovers(Path keep) {
        Path steps = out.resolve(STEPS);
        if (Files.isDirectory(steps)) {
            try (Stream<Path> s = Files.list(steps)) {
                for (Path p : s.toList()) if (!p.equals(keep)) deleteTree(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + steps + ": " + e.getMessage(), e);
            }
        }
        removeTempFiles(out);
        if (keep != null) removeTempFiles(keep);
    }

    /** Keeps the records of {@code metrics.jsonl} up to {@code step} (and drops a line torn by a kill). */
    void truncateMetrics(long step) {
        Path m = out.resolve(METRICS);
        if (!Files.isRegularFile(m)) return;
        StringBuilder kept = new StringBuilder();
        try {
            for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException torn) {
                    continue;
                }
                if (n != null && n.path("step").asLong(Long.MAX_VALUE) <= step) kept.append(line).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + m + ": " + e.getMessage(), e);
        }
        AtomicFile.write(m, kept.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Commits the trainer's current state as one unit (see the class comment). Rank 0 alone calls
     * this in a data-parallel job.
     */
    public void commit(Trainer trainer, String modelConfigJson, String tokenizerJson, Map<String, String> modelMetadata, ObjectNode extra) {
        long step = trainer.step();
        String name = String.format("step-%08d", step);
        Path steps = out.resolve(STEPS);
        Path fin = steps.resolve(name);
        Path current = latest();
        try {
            Files.createDirectories(steps);
            if (!fin.equals(current)) {
                Path tmp = steps.resolve("." + name + ".partial");
                deleteTree(tmp);
                Files.createDirectories(tmp);
                TrainCheckpoint.save(tmp, trainer, modelConfigJson, tokenizerJson, modelMetadata, extra);
                sync(tmp);
                deleteTree(fin); // a step folder a kill left before its pointer switch
                AtomicFile.move(tmp, fin);
                sync(steps);
                ObjectNode ptr = JSON.createObjectNode().put("step", step).put("dir", STEPS + "/" + name);
                AtomicFile.write(out.resolve(POINTER), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(ptr));
            }
            // The user-facing model file: a second name for the committed one (a copy where links are not supported).
            Path link = out.resolve("." + TrainCheckpoint.MODEL_FILE + ".link.tmp");
            Files.deleteIfExists(link);
            try {
                Files.createLink(link, fin.resolve(TrainCheckpoint.MODEL_FILE));
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(fin.resolve(TrainCheckpoint.MODEL_FILE), link);
            }
            AtomicFile.move(link, out.resolve(TrainCheckpoint.MODEL_FILE));
        } catch (IOException e) {
            throw new CheckpointException(fin, "cannot commit the checkpoint: " + e, e);
        }
        // The new set is whole and named by the pointer: older sets (and an older layout's files) can go.
        removeLeftovers(fin);
        if (!out.equals(current)) return;
        for (String f : List.of(TrainCheckpoint.STATE_FILE, TrainCheckpoint.JSON_FILE)) deleteTree(out.resolve(f));
    }

    /** Flushes a folder's entries (the renames in it) to disk; not every file system allows it. */
    private static void sync(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort: the data files themselves were forced by AtomicFile
        }
    }

    /** {@link AtomicFile}'s temporaries ({@code .NAME*.tmp}) that a kill left behind. */
    private static void removeTempFiles(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (AtomicFile.isTemporary(p) && Files.isRegularFile(p)) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }
}
