package dev.jclip.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.data.DataLoader;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainRunTest {
    @Test void writesMetricsCheckpointAndLossCurveAndResumesTheLog(@TempDir Path out) throws Exception {
        TrainConfig cfg = TrainerTest.config(6);
        try (TinyModel m = TrainerTest.model(1); Trainer tr = new Trainer(m, TrainerTest.TOK, cfg);
             DataLoader dl = new DataLoader(TrainerTest.shapes(), DataLoader.Options.of(16, cfg.seed()))) {
            TrainRun.Summary s = new TrainRun(out, 2, 1, "{\"embed_dim\":8}", Recipes.bytesTokenizerJson()).quiet().run(tr, dl, 0);
            assertEquals(6, s.steps());
        }
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(6, lines.size());
        var first = new ObjectMapper().readTree(lines.get(0));
        assertEquals(1, first.get("step").asInt());
        assertTrue(first.has("loss") && first.has("lr") && first.has("samples_per_s"));
        assertFalse(Files.exists(out.resolve("loss.png")), "plots are the command line's, not the library's");
        try (StateDict sd = Safetensors.read(out.resolve("model.safetensors"))) {
            assertEquals("{\"type\":\"bytes\"}", sd.metadata().get("tokenizer"));
            assertEquals("{\"embed_dim\":8}", sd.metadata().get("config"));
            assertEquals("6", sd.metadata().get("step"));
            assertTrue(sd.contains("visual.proj") && sd.contains("logit_scale"));
        }
        // Resume to 8 steps: the log grows by two records, nothing is rewritten.
        try (TinyModel m = TrainerTest.model(1); Trainer tr = new Trainer(m, TrainerTest.TOK, cfg.withSteps(8))) {
            long at = TrainCheckpoint.resume(out, tr);
            try (DataLoader dl = new DataLoader(TrainerTest.shapes(), DataLoader.Options.of(16, cfg.seed()).startingAt(at))) {
                assertEquals(2, new TrainRun(out, 0, 1, null, null).quiet().run(tr, dl, 0).steps());
            }
        }
        assertEquals(8, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
