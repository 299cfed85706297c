package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the vocabulary formats, and clear errors for bad files. */
class BpeVocabularyTest {
    private static final List<String> TEXTS = List.of("a photo of a dog.", "Don't stop", "naïve café 日本語 😀",
            "<|startoftext|>x<|endoftext|>", "12,345 tokens!!!", "");

    private static String mergesText() throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.openAiVocab()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void openAiFileHasTheReferenceLayout() {
        BpeVocabulary v = TestData.tokenizer().vocabulary();
        assertEquals(49408, v.size());
        assertEquals(49406, v.startOfText());
        assertEquals(49407, v.endOfText());
        assertEquals(48894, v.mergeCount());
        assertEquals("!", v.token(0));
        assertEquals("\u0120</w>", v.token(256 + 220)); // byte 0x20 is the 221st symbol
        assertEquals("i n", v.token(512).charAt(0) + " " + v.token(512).substring(1)); // first merge: "i n"
    }

    @Test
    void plainTextAndStreamGiveTheSameTokenizer(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("bpe.txt");
        Files.writeString(plain, mergesText());
        ClipTokenizer fromPlain = ClipTokenizer.load(plain);
        ClipTokenizer fromStream;
        try (InputStream in = Files.newInputStream(TestData.openAiVocab())) {
            fromStream = new ClipTokenizer(BpeVocabulary.fromOpenAi(in, "stream", BpeVocabulary.OPENAI_MERGES));
        }
        for (String t : TEXTS) {
            assertArrayEquals(TestData.tokenizer().encode(t), fromPlain.encode(t), t);
            assertArrayEquals(TestData.tokenizer().encode(t), fromStream.encode(t), t);
        }
    }

    @Test
    void huggingFacePairGivesTheSameIds(@TempDir Path dir) throws IOException {
        BpeVocabulary v = TestData.tokenizer().vocabulary();
        ObjectNode json = new ObjectMapper().createObjectNode();
        for (int id = 0; id < v.size(); id++) json.put(v.token(id), id);
        Files.writeString(dir.resolve("vocab.json"), json.toString());
        String[] lines = mergesText().split("\n");
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (int i = 1; i <= BpeVocabulary.OPENAI_MERGES; i++) merges.append(lines[i]).append('\n');
        Files.writeString(dir.resolve("merges.txt"), merges.toString());

        for (Path p : List.of(dir, dir.resolve("vocab.json"))) {
            ClipTokenizer hf = ClipTokenizer.load(p);
            assertEquals(48894, hf.vocabulary().mergeCount());
            for (String t : TEXTS) assertArrayEquals(TestData.tokenizer().encode(t), hf.encode(t), t);
        }
    }

    @Test
    void bytesOnlyVocabularyEncodesBytes() {
        ClipTokenizer b = ClipTokenizer.bytesOnly();
        assertEquals(514, b.vocabulary().size());
        assertEquals(512, b.sotToken());
        assertEquals(513, b.eotToken());
        // "hi" -> 'h', 'i</w>' ; "é" -> C3, A9</w>
        int[] ids = b.encode("Hi é");
        assertEquals(4, ids.length);
        assertEquals(b.vocabulary().id("h"), ids[0]);
        assertEquals(b.vocabulary().id("i</w>"), ids[1]);
        assertEquals("hi \u00e9 ", b.decode(ids));
        assertArrayEquals(new int[] {512, ids[0], ids[1], ids[2], ids[3], 513, 0}, b.tokenizeIds(List.of("Hi é"), 7, false)[0]);
    }

    @Test
    void badFilesGiveClearErrors(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.txt.gz");
        UncheckedIOException io = assertThrows(UncheckedIOException.class, () -> BpeVocabulary.fromOpenAi(missing));
        assertTrue(io.getMessage().contains("nope.txt.gz"), io.getMessage());

        Path badLine = dir.resolve("bad.txt");
        Files.writeString(badLine, "#version\ni n\nthree parts here\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.fromOpenAi(badLine));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("bad.txt"), e.getMessage());

        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, new byte[] {0x1F, (byte) 0x8B, 8, 0, 1, 2, 3});
        assertThrows(UncheckedIOException.class, () -> BpeVocabulary.fromOpenAi(corrupt));

        Path notUtf8 = dir.resolve("latin1.txt");
        Files.write(notUtf8, new byte[] {'#', '\n', 'a', ' ', (byte) 0xE9, '\n'});
        e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.fromOpenAi(notUtf8));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());

        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.load(dir));
        assertTrue(e.getMessage().contains("lacks the token"), e.getMessage());

        Files.writeString(dir.resolve("vocab.json"), "[1, 2]");
        e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.load(dir.resolve("vocab.json")));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());

        assertThrows(IllegalArgumentException.class,
                () -> BpeVocabulary.fromOpenAi(new ByteArrayInputStream("#\nx\n".getBytes(StandardCharsets.UTF_8)), "s", 10));
    }
}
