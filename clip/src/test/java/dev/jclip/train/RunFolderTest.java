package dev.jclip.train;

import dev.jclip.data.DataLoader;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A checkpoint is committed as one unit: whatever a kill leaves between the writes, the pointer
 * names a complete set, resume continues from it bit for bit, and the leftovers and the metrics of
 * steps after it are removed.
 */
class RunFolderTest {
    private static final String CONFIG = "{\"tiny\":true}", TOKENIZER = "{\"type\":\"bytes\"}";

    /** Trains {@code steps} steps from the folder's checkpoint (or from scratch), committing at the end. */
    private static long trainTo(Path out, int steps, boolean resume) {
        TrainConfig cfg = TrainerTest.config(8);
        try (TinyModel m = TrainerTest.model(1); Trainer tr = new Trainer(m, TrainerTest.TOK, cfg)) {
            RunFolder run = new RunFolder(out);
            long at = resume ? run.resume(tr) : 0;
            try (DataLoader dl = new DataLoader(TrainerTest.shapes(), DataLoader.Options.of(16, cfg.seed()).startingAt(at));
                 MetricsLog log = new MetricsLog(out.resolve(RunFolder.METRICS))) {
                while (tr.step() < steps) log.write(MetricsLog.of(tr.train(dl.next()), 1));
            }
            run.commit(tr, CONFIG, TOKENIZER, java.util.Map.of(), null);
            return at;
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q); else Files.copy(p, q);
            }
        }
    }

    @Test void aKillBetweenTheWritesLeavesTheLastCompleteSetAndResumeContinuesBitForBit(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        trainTo(straight, 2, false);
        assertEquals(2, new RunFolder(straight).latestState().get("step").asInt());
        assertTrue(Files.isRegularFile(straight.resolve("checkpoints/step-00000002/model.safetensors")));
        Path killed = dir.resolve("killed");
        copyTree(straight, killed);
        trainTo(straight, 4, true);

        // What a kill during the commit of step 4 leaves: the complete step folder renamed into place but the
        // pointer not yet switched, a half-written next folder, an AtomicFile temporary, a torn metrics line.
        Path step4 = new RunFolder(straight).latest();
        assertEquals("step-00000004", step4.getFileName().toString());
        assertFalse(Files.exists(straight.resolve("checkpoints/step-00000002")), "the previous set is removed once the new one is committed");
        copyTree(step4, killed.resolve("checkpoints/step-00000004"));
        Path partial = Files.createDirectories(killed.resolve("checkpoints/.step-00000006.partial"));
        Files.write(partial.resolve(TrainCheckpoint.MODEL_FILE), new byte[100]);
        Files.write(killed.resolve(".checkpoint.json12345.tmp"), new byte[10]);
        List<String> metrics = Files.readAllLines(straight.resolve(RunFolder.METRICS));
        assertEquals(4, metrics.size());
        Files.writeString(killed.resolve(RunFolder.METRICS), String.join("\n", metrics) + "\n{\"step\":5,\"lo");

        assertEquals(2, new RunFolder(killed).latestState().get("step").asInt(), "the pointer still names step 2");
        assertEquals(2, trainTo(killed, 4, true), "resumed from the last complete set");
        try (Stream<Path> s = Files.list(killed.resolve("checkpoints"))) {
            assertEquals(List.of("step-00000004"), s.map(p -> p.getFileName().toString()).toList(), "leftovers removed");
        }
        assertFalse(Files.exists(killed.resolve(".checkpoint.json12345.tmp")));
        assertEquals(metrics, Files.readAllLines(killed.resolve(RunFolder.METRICS)), "metrics cut back to step 2, then steps 3 and 4 once");
        for (String f : List.of(TrainCheckpoint.MODEL_FILE, TrainCheckpoint.STATE_FILE)) {
            assertArrayEquals(Files.readAllBytes(step4.resolve(f)), Files.readAllBytes(new RunFolder(killed).latest().resolve(f)), f);
        }
        assertArrayEquals(Files.readAllBytes(straight.resolve(TrainCheckpoint.MODEL_FILE)), Files.readAllBytes(killed.resolve(TrainCheckpoint.MODEL_FILE)));
        try (StateDict sd = Safetensors.read(killed.resolve(TrainCheckpoint.MODEL_FILE))) {
            assertEquals("4", sd.metadata().get("step"));
            assertEquals(TOKENIZER, sd.metadata().get("tokenizer"));
        }
    }

    @Test void aKillBeforeThePointerOfTheFirstCheckpointLeavesNothingToResume(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out.resolve("checkpoints/.step-00000002.partial"));
        Files.writeString(out.resolve(RunFolder.METRICS), "{\"step\":1,\"loss\":2.0}\n");
        RunFolder run = new RunFolder(out);
        assertNull(run.latest());
        var e = assertThrows(IllegalArgumentException.class, () -> run.startNew(false));
        assertTrue(e.getMessage().contains("already holds a training run (checkpoints, metrics.jsonl)"), e.getMessage());
        Files.writeString(out.resolve("notes.txt"), "mine");
        run.startNew(true);
        assertEquals(List.of(), run.runFiles());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "only the run's own files are deleted");
    }

    @Test void aPointerOutsideTheFolderIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(RunFolder.POINTER), "{\"step\":3,\"dir\":\"../elsewhere\"}");
        var e = assertThrows(dev.jclip.io.CheckpointException.class, () -> new RunFolder(dir).latest());
        assertTrue(e.getMessage().contains("must name a step folder inside"), e.getMessage());
    }
}
