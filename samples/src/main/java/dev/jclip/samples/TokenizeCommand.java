package dev.jclip.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.text.TextTooLongException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clip tokenize --vocab FILE [--context-length N] [--truncate] [--encode | --decode]}:
 * JSON lines in, JSON lines out, one output line per input line.
 *
 * <pre>
 * $ echo '"a photo of a dog"' | scripts/clip tokenize --vocab bpe_simple_vocab_16e6.txt.gz --context-length 8
 * [49406,320,1125,539,320,1929,49407,0]
 * </pre>
 *
 * Each input line is a JSON string (with {@code --decode}: a JSON array of ids). Output: the
 * context-length row of ids, the raw {@code encode} ids with {@code --encode}, the decoded string
 * with {@code --decode}, or {@code {"error": "..."}} for that line (too long without
 * {@code --truncate}, bad JSON, wrong type); processing always continues with the next line.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenize JSON-lines texts from stdin like clip.tokenize (one JSON line out per line in).")
public final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, paramLabel = "FILE",
            description = "OpenAI bpe_simple_vocab_16e6.txt(.gz), or a Hugging Face vocab.json (merges.txt beside it) or folder.")
    Path vocab;

    @Option(names = "--context-length", defaultValue = "77", paramLabel = "N", description = "Row length (default ${DEFAULT-VALUE}).")
    int contextLength;

    @Option(names = "--truncate", description = "Cut texts that are too long (last kept id becomes <|endoftext|>).")
    boolean truncate;

    @Option(names = "--encode", description = "Print the raw BPE ids (SimpleTokenizer.encode): no start/end, no padding.")
    boolean encode;

    @Option(names = "--decode", description = "Input lines are JSON arrays of ids; print the decoded text as a JSON string.")
    boolean decode;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public Integer call() throws IOException {
        if (encode && decode) throw new IllegalArgumentException("--encode and --decode exclude each other");
        if (contextLength < 1) throw new IllegalArgumentException("--context-length must be >= 1, got " + contextLength);
        ClipTokenizer tok = ClipTokenizer.load(vocab);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        int lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            out.write(process(tok, line, lineNo));
            out.write('\n');
            if (!in.ready()) out.flush(); // interactive use sees each answer at once
        }
        out.flush();
        return 0;
    }

    private String process(ClipTokenizer tok, String line, int lineNo) throws JsonProcessingException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return error("line " + lineNo + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (decode) {
            if (node == null || !node.isArray()) return error("line " + lineNo + ": expected a JSON array of ids");
            int[] ids = new int[node.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode v = node.get(i);
                if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
                    return error("line " + lineNo + ": element " + i + " is not an integer id: " + v);
                }
                ids[i] = v.asInt();
            }
            try {
                return JSON.writeValueAsString(tok.decode(ids));
            } catch (IllegalArgumentException e) {
                return error("line " + lineNo + ": " + e.getMessage());
            }
        }
        if (node == null || !node.isTextual()) {
            return error("line " + lineNo + ": expected a JSON string, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        String text = node.textValue();
        if (encode) return JSON.writeValueAsString(tok.encode(text));
        try {
            return JSON.writeValueAsString(tok.tokenizeIds(List.of(text), contextLength, truncate)[0]);
        } catch (TextTooLongException e) {
            return error(e.getMessage());
        }
    }

    private static String error(String message) throws JsonProcessingException {
        return JSON.writeValueAsString(Map.of("error", message));
    }
}
