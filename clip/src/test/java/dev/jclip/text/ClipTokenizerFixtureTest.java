package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of every {@code *.jsonl} file in {@code <jclip.fixtures>/tokenizer/} (the reference's
 * outputs): encode, decode, the 77-id rows, too-long and truncate behaviour, all exact.
 */
class ClipTokenizerFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> cases() throws IOException {
        Path dir = TestData.fixtures().resolve("tokenizer");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no *.jsonl cases in " + dir);
        List<JsonNode> out = new ArrayList<>();
        for (Path f : files) {
            int line = 0;
            for (String l : Files.readAllLines(f)) {
                line++;
                if (l.isBlank()) continue;
                JsonNode n = JSON.readTree(l);
                ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_where", f.getFileName() + ":" + line);
                out.add(n);
            }
        }
        return out;
    }

    static int[] ints(JsonNode arr) {
        int[] a = new int[arr.size()];
        for (int i = 0; i < a.length; i++) a[i] = arr.get(i).asInt();
        return a;
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesTheReference() throws IOException {
        ClipTokenizer tok = TestData.tokenizer();
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.get("_where").asText() + " " + c.get("text").asText()
                .replaceAll("\\p{Cntrl}", "?"), () -> {
            String text = c.get("text").asText();
            String where = c.get("_where").asText();
            int[] encode = ints(c.get("encode"));
            assertArrayEquals(encode, tok.encode(text), where + " encode");
            assertEquals(c.get("decode").asText(), tok.decode(encode), where + " decode");
            boolean tooLong = c.get("too_long").asBoolean();
            if (tooLong) {
                TextTooLongException e = assertThrows(TextTooLongException.class,
                        () -> tok.tokenizeIds(List.of(text), 77, false), where);
                assertEquals(encode.length + 2, e.tokenCount());
                assertTrue(c.get("ids77").isNull());
                assertArrayEquals(ints(c.get("truncated")), tok.tokenizeIds(List.of(text), 77, true)[0], where + " truncated");
            } else {
                int[] ids77 = ints(c.get("ids77"));
                assertArrayEquals(ids77, tok.tokenizeIds(List.of(text), 77, false)[0], where + " ids77");
                assertArrayEquals(ids77, tok.tokenizeIds(List.of(text), 77, true)[0], where + " truncate=True");
            }
        }));
    }
}
