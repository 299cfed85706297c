package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.torch.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code clip zero-shot} mechanics on a tiny model: the fixture ViT with its 64-id token table
 * replaced by a random 514-row one so the bytes-only tokenizer it records fits (the fixture's own
 * vocabulary is a remap of real ids; only the mechanics are checked here).
 */
class ZeroShotCommandTest {
    @TempDir static Path dir;
    static Path checkpoint;

    @BeforeAll static void tinyModelWithBytesTokenizer() {
        checkpoint = tinyCheckpoint(dir.resolve("tiny.safetensors"));
    }

    /** The fixture ViT with a random 514-row token table and the bytes tokenizer recorded, written to {@code checkpoint}. */
    static Path tinyCheckpoint(Path checkpoint) {
        Path src = EmbedCommandTest.fixtures().resolve("models/vit_a/model.safetensors");
        try (StateDict sd = Safetensors.read(src); Arena arena = Arena.ofConfined()) {
            Map<String, TensorData> t = new LinkedHashMap<>(sd.tensors());
            float[] emb = new float[514 * 64];
            Random r = new Random(1);
            for (int i = 0; i < emb.length; i++) emb[i] = (float) (0.02 * r.nextGaussian());
            t.put("token_embedding.weight", TensorData.contiguous(DType.F32, new long[]{514, 64}, arena.allocateFrom(ValueLayout.JAVA_FLOAT, emb)));
            Safetensors.write(checkpoint, t, Map.of("format", "pt", "tokenizer", "{\"type\":\"bytes\"}"));
        }
        return checkpoint;
    }

    record Run(int rc, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = ClipCommand.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int rc = cl.execute(args);
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test void classifiesClipPngAgainstThreeClassesAsJson() throws Exception {
        Path cache = dir.resolve("cache1");
        Run r = run("zero-shot", "--checkpoint", checkpoint.toString(), "--classes", "a diagram,a dog,a cat",
                "--json", "--cache", cache.toString(), SharedFiles.data("CLIP.png").toString());
        assertEquals(0, r.rc(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), r.out());
        JsonNode row = Json.MAPPER.readTree(lines.getFirst());
        assertTrue(row.get("image").asText().endsWith("CLIP.png"));
        JsonNode preds = row.get("predictions");
        assertEquals(3, preds.size());
        double sum = 0;
        for (JsonNode p : preds) sum += p.get("probability").asDouble();
        assertEquals(1.0, sum, 1e-5);
        assertTrue(preds.get(0).get("probability").asDouble() >= preds.get(1).get("probability").asDouble());
        assertTrue(r.err().contains("cached in"), r.err());
        // Second run: the weights come from the cache and the answer is the same.
        Run again = run("zero-shot", "--checkpoint", checkpoint.toString(), "--classes", "a diagram,a dog,a cat",
                "--json", "--cache", cache.toString(), SharedFiles.data("CLIP.png").toString());
        assertTrue(again.err().contains("from cache"), again.err());
        assertEquals(r.out(), again.out());
    }

    @Test void folderWithABrokenImageReportsItAndClassifiesTheRest() throws Exception {
        Path imgs = Files.createDirectories(dir.resolve("imgs"));
        Files.copy(SharedFiles.data("CLIP.png"), imgs.resolve("a.png"));
        Files.copy(EmbedCommandTest.fixtures().resolve("preprocess/photo_120x80_q90.jpg"), imgs.resolve("b.jpg"));
        byte[] jpg = Files.readAllBytes(imgs.resolve("b.jpg"));
        Files.write(imgs.resolve("c_truncated.jpg"), java.util.Arrays.copyOf(jpg, 40));
        Path templates = Files.writeString(dir.resolve("t.txt"), "a photo of {}.\na drawing of {}.\n");
        Run r = run("zero-shot", "--checkpoint", checkpoint.toString(), "--classes", "a diagram,a dog,a cat",
                "--templates", templates.toString(), "--top", "2", "--no-cache", imgs.toString());
        assertEquals(1, r.rc(), "a skipped image makes the exit code 1");
        assertTrue(r.err().contains("c_truncated.jpg"), r.err());
        assertTrue(r.out().contains("a.png") && r.out().contains("b.jpg") && !r.out().contains("c_truncated"), r.out());
        assertTrue(r.out().contains("2 image(s) classified into 3 classes with 2 template(s), 1 skipped"), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("   1.")).count(), r.out());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("   2.")).count(), "--top 2");
    }

    @Test void badClassesAndTemplatesAreNamed() throws Exception {
        Run empty = run("zero-shot", "--checkpoint", checkpoint.toString(), "--classes", " ", SharedFiles.data("CLIP.png").toString());
        assertNotEquals(0, empty.rc());
        assertTrue(empty.err().contains("empty class list"), empty.err());
        Path bad = Files.writeString(dir.resolve("bad.txt"), "a {foo} of {}\n");
        Run tpl = run("zero-shot", "--checkpoint", checkpoint.toString(), "--classes", "a,b", "--templates", bad.toString(),
                SharedFiles.data("CLIP.png").toString());
        assertNotEquals(0, tpl.rc());
        assertTrue(tpl.err().contains("{foo}"), tpl.err());
        Run noVocab = run("zero-shot", "--checkpoint", EmbedCommandTest.fixtures().resolve("models/vit_a/model.safetensors").toString(),
                "--classes", "a,b", SharedFiles.data("CLIP.png").toString());
        assertNotEquals(0, noVocab.rc());
        assertTrue(noVocab.err().contains("brings no tokenizer") && noVocab.err().contains("--vocab"), noVocab.err());
    }
}
