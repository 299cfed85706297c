package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code clip tokenize} in-process over every reference case of
 * {@code <jclip.fixtures>/tokenizer/*.jsonl}: rows, truncation, too-long errors, encode and decode.
 */
class TokenizeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path fixtures() {
        return SharedFiles.fixtures();
    }

    private static String vocab() {
        return SharedFiles.data("bpe_simple_vocab_16e6.txt.gz").toString();
    }

    private static List<JsonNode> cases() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(fixtures().resolve("tokenizer"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(JSON.readTree(l));
            }
        }
        assertTrue(out.size() > 0, "no tokenizer cases under " + fixtures());
        return out;
    }

    /** Runs {@code clip <args>} with {@code stdin} as input; returns [exit code, stdout, stderr]. */
    static String[] run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new ClipCommand());
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString()};
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
        }
    }

    private static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\n", -1)).subList(0, s.split("\n", -1).length - 1);
    }

    @Test
    void everyFixtureCaseThroughTheCommandLine() throws Exception {
        List<JsonNode> cases = cases();
        StringBuilder in = new StringBuilder();
        StringBuilder idsIn = new StringBuilder();
        for (JsonNode c : cases) {
            in.append(JSON.writeValueAsString(c.get("text").asText())).append('\n');
            idsIn.append(c.get("encode").toString()).append('\n');
        }
        String[] plain = run(in.toString(), "tokenize", "--vocab", vocab());
        String[] trunc = run(in.toString(), "tokenize", "--vocab", vocab(), "--truncate", "--context-length", "77");
        String[] enc = run(in.toString(), "tokenize", "--vocab", vocab(), "--encode");
        String[] dec = run(idsIn.toString(), "tokenize", "--vocab", vocab(), "--decode");
        for (String[] r : List.of(plain, trunc, enc, dec)) assertEquals("0", r[0], r[2]);
        List<String> p = lines(plain[1]), t = lines(trunc[1]), e = lines(enc[1]), d = lines(dec[1]);
        assertEquals(cases.size(), p.size());
        assertEquals(cases.size(), t.size());
        assertEquals(cases.size(), e.size());
        assertEquals(cases.size(), d.size());
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            String what = "case " + i + " " + c.get("text");
            if (c.get("too_long").asBoolean()) {
                JsonNode err = JSON.readTree(p.get(i));
                assertTrue(err.get("error").asText().contains("too long for context length 77"), what + ": " + p.get(i));
                assertEquals(c.get("truncated"), JSON.readTree(t.get(i)), what);
            } else {
                assertEquals(c.get("ids77"), JSON.readTree(p.get(i)), what);
                assertEquals(c.get("ids77"), JSON.readTree(t.get(i)), what);
            }
            assertEquals(c.get("encode"), JSON.readTree(e.get(i)), what);
            assertEquals(c.get("decode").asText(), JSON.readTree(d.get(i)).asText(), what);
        }
    }

    @Test
    void badLinesGiveAnErrorLineAndProcessingContinues() throws Exception {
        String[] r = run("\"a dog\"\nnot json\n42\n\n\"a\" \"b\"\n\"a cat\"\n", "tokenize", "--vocab", vocab(),
                "--context-length", "5");
        assertEquals("0", r[0], r[2]);
        List<String> out = lines(r[1]);
        assertEquals(6, out.size(), r[1]);
        assertEquals("[49406,320,1929,49407,0]", out.get(0));
        for (int i = 1; i <= 4; i++) {
            JsonNode err = JSON.readTree(out.get(i));
            assertTrue(err.get("error").asText().startsWith("line " + (i + 1) + ":"), out.get(i));
        }
        assertEquals("[49406,320,2368,49407,0]", out.get(5));
    }

    @Test
    void missingVocabularyIsAUserError() {
        String[] r = run("\"x\"\n", "tokenize", "--vocab", "/nonexistent/bpe.txt.gz");
        assertEquals("1", r[0]);
        String[] usage = run("", "tokenize");
        assertEquals("2", usage[0]);
        assertTrue(usage[2].contains("--vocab"), usage[2]);
    }
}
