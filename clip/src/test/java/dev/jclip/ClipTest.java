package dev.jclip;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.model.ArchitectureResolver;
import dev.jclip.text.BpeVocabulary;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The public entry point: an HF folder with its tokenizer, saved and loaded again with nothing else. */
class ClipTest {
    static Path formats() { return Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("formats"); }

    @TempDir Path dir;

    @Test void folderBringsTokenizerAndSaveIsSelfContained() throws Exception {
        Path folder = formats().resolve("bigvocab_hf");
        List<String> texts = Files.readAllLines(folder.resolve("bigvocab_texts.txt")).stream().filter(l -> !l.isBlank()).toList();
        float[] ref;
        long[] shape;
        try (StateDict r = Safetensors.read(folder.resolve("bigvocab_ref_text.safetensors"))) {
            ref = r.get("text_features").toFloatArray();
            shape = r.get("text_features").shape();
        }
        Path saved = dir.resolve("bigvocab.safetensors");
        try (Clip clip = Clip.load(folder)) {
            assertEquals(ArchitectureResolver.Kind.CONFIG, clip.resolution().kind());
            assertEquals(49408, clip.tokenizer().vocabulary().size());
            try (Tensor f = clip.encodeTexts(texts)) {
                assertArrayEquals(shape, f.shape());
                assertClose(ref, normalized(f), shape);
            }
            clip.save(saved);
        }
        try (Clip again = Clip.load(saved)) {
            assertEquals(ArchitectureResolver.Kind.METADATA, again.resolution().kind());
            assertTrue(again.resolution().origin().contains("config.json"), again.resolution().origin());
            assertTrue(again.hasTokenizer());
            try (Tensor f = again.encodeTexts(texts)) {
                assertClose(ref, normalized(f), shape);
            }
        }
    }

    @Test void tokenizerJsonGivesTheSameTokens() throws Exception {
        // a small BPE (bytes + three merges) keeps this fast; the full vocabulary goes through the same code
        String mergesTxt = "#version: 0.2\nt h\nth e</w>\na n\n";
        BpeVocabulary v = BpeVocabulary.fromOpenAi(new java.io.ByteArrayInputStream(mergesTxt.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "small", 3);
        assertEquals(512 + 3 + 2, v.size());
        // a fast-tokenizer file with the same vocabulary and merges (as a list of "a b" strings)
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = om.createObjectNode();
        var model = root.putObject("model");
        model.put("type", "BPE");
        model.set("vocab", om.readTree(v.toVocabJson()));
        var merges = model.putArray("merges");
        for (String line : v.toMergesTxt().split("\n")) if (!line.startsWith("#version") && !line.isEmpty()) merges.add(line);
        Path tj = Files.writeString(dir.resolve("tokenizer.json"), root.toString());
        ClipTokenizer a = new ClipTokenizer(v), b = new ClipTokenizer(BpeVocabulary.fromTokenizerJson(tj));
        assertEquals(v.id("the</w>"), a.encode("the")[0], "the merges apply");
        for (String t : List.of("the man and the dog", "Dvořák 🔥", "'twas then")) assertArrayEquals(a.encode(t), b.encode(t), t);
        var bad = Files.writeString(dir.resolve("bad.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        var e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.fromTokenizerJson(bad));
        assertTrue(e.getMessage().contains("model.type") && e.getMessage().contains("WordPiece"), e.getMessage());
    }

    private static float[] normalized(Tensor f) {
        float[] x = f.toFloatArray();
        int d = (int) f.size(1);
        for (int r = 0; r < f.size(0); r++) {
            double n = 0;
            for (int j = 0; j < d; j++) n += (double) x[r * d + j] * x[r * d + j];
            for (int j = 0; j < d; j++) x[r * d + j] /= (float) Math.sqrt(n);
        }
        return x;
    }

    private static void assertClose(float[] ref, float[] got, long[] shape) {
        // the reference's features may be stored normalised or not: compare directions
        int d = (int) shape[1];
        float[] r = ref.clone();
        for (int i = 0; i < shape[0]; i++) {
            double n = 0;
            for (int j = 0; j < d; j++) n += (double) r[i * d + j] * r[i * d + j];
            for (int j = 0; j < d; j++) r[i * d + j] /= (float) Math.sqrt(n);
        }
        assertArrayEquals(r, got, 2e-5f);
    }
}
