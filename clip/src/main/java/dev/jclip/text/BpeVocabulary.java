package dev.jclip.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A byte-level BPE vocabulary: token strings by id, merge ranks, and the special tokens. Loads
 * OpenAI's {@code bpe_simple_vocab_16e6.txt.gz} (gzip or plain; vocabulary built exactly like
 * {@code SimpleTokenizer.__init__}: 256 byte symbols, the same with {@code </w>}, one token per
 * merge of lines 1..48894, then {@code <|startoftext|>}, {@code <|endoftext|>}), Hugging Face's
 * {@code vocab.json} + {@code merges.txt}, or a bytes-only vocabulary (no merges, 514 ids).
 * Vocabulary files belong to the user; none is bundled.
 *
 * <pre>{@code
 * BpeVocabulary v = BpeVocabulary.fromOpenAi(Path.of("bpe_simple_vocab_16e6.txt.gz"));
 * v.size();          // 49408
 * v.endOfText();     // 49407
 * }</pre>
 */
public final class BpeVocabulary {
    /** Merges the reference reads from its file: {@code merges[1:49152-256-2+1]}. */
    public static final int OPENAI_MERGES = 49152 - 256 - 2;
    public static final String START_OF_TEXT = "<|startoftext|>";
    public static final String END_OF_TEXT = "<|endoftext|>";

    private final String source;
    private final String[] tokens;
    private final Map<String, Integer> ids;
    private final MergeTable merges;
    private final int[] byteIds = new int[256];
    private final int[] byteEndIds = new int[256];
    private final int startOfText, endOfText;
    /** The merges as read, in rank order (kept to write the vocabulary out again). */
    private final List<String[]> mergePairs;

    private BpeVocabulary(String source, String[] tokens, Map<String, Integer> ids, List<String[]> mergePairs) {
        this.source = source;
        this.mergePairs = List.copyOf(mergePairs);
        this.tokens = tokens;
        this.ids = ids;
        for (int b = 0; b < 256; b++) {
            String sym = String.valueOf(BytesToUnicode.charOf(b));
            byteIds[b] = require(sym);
            byteEndIds[b] = require(sym + "</w>");
        }
        startOfText = require(START_OF_TEXT);
        endOfText = require(END_OF_TEXT);
        merges = new MergeTable(mergePairs.size());
        for (int rank = 0; rank < mergePairs.size(); rank++) {
            String[] p = mergePairs.get(rank);
            Integer left = ids.get(p[0]), right = ids.get(p[1]);
            // a pair with an unknown side can never form: such symbols never exist
            if (left == null || right == null) continue;
            Integer merged = ids.get(p[0] + p[1]);
            if (merged == null) {
                throw new IllegalArgumentException(source + ": merge #" + (rank + 1) + " '" + p[0] + " " + p[1]
                        + "' gives '" + p[0] + p[1] + "', which is not in the vocabulary");
            }
            merges.put(left, right, rank, merged);
        }
    }

    private int require(String token) {
        Integer id = ids.get(token);
        if (id == null) throw new IllegalArgumentException(source + ": the vocabulary lacks the token '" + token + "'");
        return id;
    }

    // ---------------------------------------------------------------- loaders

    /** OpenAI's merges file ({@code .gz} or plain text, detected from the content). */
    public static BpeVocabulary fromOpenAi(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromOpenAi(in, file.toString(), OPENAI_MERGES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPE merges " + file + ": " + reason(e), e);
        }
    }

    /**
     * OpenAI's merges format from a stream (gzip or plain): line 0 is a header, lines
     * 1..{@code maxMerges} are merges "{@code left right}".
     */
    public static BpeVocabulary fromOpenAi(InputStream in, String sourceName, int maxMerges) {
        String text = readText(in, sourceName);
        String[] lines = text.split("\n", -1);
        int end = Math.min(lines.length, maxMerges + 1);
        // a trailing newline leaves one empty last line: not a merge
        if (end == lines.length && end > 1 && lines[end - 1].isEmpty()) end--;
        List<String[]> pairs = new ArrayList<>(Math.max(0, end - 1));
        for (int i = 1; i < end; i++) pairs.add(parseMerge(lines[i], sourceName, i + 1));
        if (pairs.isEmpty() && maxMerges > 0) {
            throw new IllegalArgumentException(sourceName + ": holds no BPE merges (" + (text.isBlank() ? "empty file" : "only a header line")
                    + "); a CLIP vocabulary has 48,894 merges after a header line");
        }
        List<String> vocab = new ArrayList<>(512 + pairs.size() + 2);
        for (int i = 0; i < 256; i++) vocab.add(String.valueOf(BytesToUnicode.vocabChar(i)));
        for (int i = 0; i < 256; i++) vocab.add(BytesToUnicode.vocabChar(i) + "</w>");
        for (String[] p : pairs) vocab.add(p[0] + p[1]);
        vocab.add(START_OF_TEXT);
        vocab.add(END_OF_TEXT);
        Map<String, Integer> ids = new HashMap<>(vocab.size() * 2);
        for (int i = 0; i < vocab.size(); i++) ids.put(vocab.get(i), i); // later duplicates win, as in a dict
        return new BpeVocabulary(sourceName, vocab.toArray(new String[0]), ids, pairs);
    }

    /** The bytes-only vocabulary (no merges): ids 0..511 bytes, 512 start, 513 end of text. */
    public static BpeVocabulary bytesOnly() {
        return fromOpenAi(new java.io.ByteArrayInputStream("#version: bytes-only\n".getBytes(StandardCharsets.UTF_8)),
                "bytes-only", 0);
    }

    /** Hugging Face's {@code vocab.json} (token to id) and {@code merges.txt} ({@code #version} header optional). */
    public static BpeVocabulary fromHuggingFace(Path vocabJson, Path mergesTxt) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(vocabJson.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(vocabJson + ": not valid JSON: " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + vocabJson + ": " + reason(e), e);
        }
        String text;
        try (InputStream in = Files.newInputStream(mergesTxt)) {
            text = readText(in, mergesTxt.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mergesTxt + ": " + reason(e), e);
        }
        return fromHuggingFace(root, vocabJson.toString(), parseMerges(text, mergesTxt.toString()), vocabJson + " + " + mergesTxt);
    }

    /**
     * The same from text: {@code vocabJson} as {@code vocab.json} holds it and {@code mergesTxt} as
     * {@code merges.txt} does ({@code source} names them in errors).
     */
    public static BpeVocabulary fromHuggingFace(String vocabJson, String mergesTxt, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(vocabJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": vocabulary is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return fromHuggingFace(root, source, parseMerges(mergesTxt, source), source);
    }

    /**
     * HF's fast-tokenizer file {@code tokenizer.json}: its {@code model} must be a BPE
     * ({@code model.type} "BPE") with {@code vocab} and {@code merges} (strings "a b" or pairs).
     */
    public static BpeVocabulary fromTokenizerJson(Path tokenizerJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(tokenizerJson + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson + ": " + e.getMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) throw new IllegalArgumentException(tokenizerJson + ": no object 'model'");
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) throw new IllegalArgumentException(tokenizerJson + ": 'model.type' is '" + type + "'; CLIP's tokenizer is a BPE");
        JsonNode merges = model.get("merges");
        if (merges == null || !merges.isArray()) throw new IllegalArgumentException(tokenizerJson + ": 'model.merges' must be a list");
        List<String[]> pairs = new ArrayList<>(merges.size());
        int i = 0;
        for (JsonNode m : merges) {
            i++;
            if (m.isTextual()) pairs.add(parseMerge(m.textValue(), tokenizerJson + " model.merges", i));
            else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) pairs.add(new String[]{m.get(0).textValue(), m.get(1).textValue()});
            else throw new IllegalArgumentException(tokenizerJson + ": 'model.merges' entry " + i + " is " + m + ", not \"a b\" or [a, b]");
        }
        return fromHuggingFace(model.get("vocab"), tokenizerJson + " model.vocab", pairs, tokenizerJson.toString());
    }

    private static List<String[]> parseMerges(String text, String source) {
        String[] lines = text.split("\n", -1);
        List<String[]> pairs = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) continue;
            pairs.add(parseMerge(line, source, i + 1));
        }
        return pairs;
    }

    private static BpeVocabulary fromHuggingFace(JsonNode root, String vocabSource, List<String[]> pairs, String source) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException(vocabSource + ": expected a JSON object {token: id}");
        Map<String, Integer> ids = new HashMap<>(root.size() * 2);
        int max = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToExactIntegral() || !e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new IllegalArgumentException(vocabSource + ": token '" + e.getKey() + "' has id " + e.getValue()
                        + ", expected a non-negative integer");
            }
            ids.put(e.getKey(), e.getValue().asInt());
            max = Math.max(max, e.getValue().asInt());
        }
        if (ids.isEmpty()) throw new IllegalArgumentException(vocabSource + ": the vocabulary is empty");
        // Ids are dense (0..N-1): a larger id is a corrupt file and must not size an array.
        if (max >= ids.size()) {
            throw new IllegalArgumentException(vocabSource + ": id " + max + " but only " + ids.size() + " tokens (ids must be 0.."
                    + (ids.size() - 1) + ")");
        }
        String[] tokens = new String[max + 1];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            if (tokens[e.getValue()] != null) {
                throw new IllegalArgumentException(vocabSource + ": id " + e.getValue() + " is used by both '"
                        + tokens[e.getValue()] + "' and '" + e.getKey() + "'");
            }
            tokens[e.getValue()] = e.getKey();
        }
        return new BpeVocabulary(source, tokens, ids, pairs);
    }

    /** This vocabulary as HF's {@code vocab.json} text (token to id, in id order). */
    public String toVocabJson() {
        com.fasterxml.jackson.databind.node.ObjectNode o = new ObjectMapper().createObjectNode();
        for (int id = 0; id < tokens.length; id++) if (tokens[id] != null) o.put(tokens[id], id);
        return o.toString();
    }

    /** The merges as HF's {@code merges.txt} text ({@code #version: 0.2} header, one "left right" a line). */
    public String toMergesTxt() {
        StringBuilder b = new StringBuilder("#version: 0.2\n");
        for (String[] p : mergePairs) b.append(p[0]).append(' ').append(p[1]).append('\n');
        return b.toString();
    }

    /**
     * Detects the format: a directory with {@code vocab.json} and {@code merges.txt}, a
     * {@code vocab.json} with {@code merges.txt} beside it, or OpenAI's merges file.
     */
    public static BpeVocabulary load(Path path) {
        if (Files.isDirectory(path)) {
            return fromHuggingFace(path.resolve("vocab.json"), path.resolve("merges.txt"));
        }
        if (path.getFileName() != null && path.getFileName().toString().endsWith(".json")) {
            Path merges = path.resolveSibling("merges.txt");
            if (!Files.exists(merges)) {
                throw new IllegalArgumentException(path + ": a vocab.json needs merges.txt beside it (" + merges + " not found)");
            }
            return fromHuggingFace(path, merges);
        }
        return fromOpenAi(path);
    }

    private static String[] parseMerge(String line, String source, int lineNo) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException(source + ": line " + lineNo + ": expected a merge 'left right', got '"
                    + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'");
        }
        return parts;
    }

    /** Reads all bytes (gunzipping when the gzip magic is there) and decodes strict UTF-8. */
    private static String readText(InputStream in, String source) {
        byte[] raw;
        try {
            raw = in.readAllBytes();
            if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
                try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                    raw = gz.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read (corrupt gzip?): " + e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(source + ": not UTF-8 text: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** Number of ids (the largest id + 1). */
    public int size() {
        return tokens.length;
    }

    /** The token string of an id, or null for an unused id. */
    public String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    /** The id of a token string, or -1. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    public int startOfText() {
        return startOfText;
    }

    public int endOfText() {
        return endOfText;
    }

    /** Number of merges in effect. */
    public int mergeCount() {
        return merges.size();
    }

    /** Where the vocabulary came from (for messages). */
    public String source() {
        return source;
    }

    MergeTable merges() {
        return merges;
    }

    int byteId(int b) {
        return byteIds[b];
    }

    int byteEndId(int b) {
        return byteEndIds[b];
    }

    /** An I/O failure as a reason without the path repeated ("no such file", "permission denied", ...). */
    private static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
