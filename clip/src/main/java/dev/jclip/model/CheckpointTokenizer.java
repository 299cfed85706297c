package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.io.CheckpointFiles;
import dev.jclip.text.BpeVocabulary;
import dev.jclip.text.ClipTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tokenizer a checkpoint brings, in this order: the user's override ({@code --vocab}), HF
 * tokenizer files beside the weights ({@code vocab.json} + {@code merges.txt}, else
 * {@code tokenizer.json}), the vocabulary jclip embeds in its self-contained files (metadata
 * {@code tokenizer} {@code {"type":"bpe-embedded"}} with {@value #VOCAB_KEY} and
 * {@value #MERGES_KEY}), or a recorded {@code {"type":"bytes"}} / {@code {"type":"bpe","vocab":PATH}}.
 * A tokenizer whose size does not match the text tower's {@code vocab_size} is an error naming
 * the file.
 *
 * <pre>{@code
 * CheckpointTokenizer.Found t = CheckpointTokenizer.find(files, null, arch.vocabSize());
 * if (t != null) t.tokenizer().tokenize(List.of("a photo of a dog"));
 * }</pre>
 */
public final class CheckpointTokenizer {
    /** Metadata key of the embedded {@code vocab.json} text. */
    public static final String VOCAB_KEY = "tokenizer.vocab_json";
    /** Metadata key of the embedded {@code merges.txt} text. */
    public static final String MERGES_KEY = "tokenizer.merges_txt";
    /** Metadata key of the tokenizer description. */
    public static final String KEY = "tokenizer";

    /** A tokenizer and a short description of where it came from ({@code bytes}, {@code bpe:/path}, ...). */
    public record Found(ClipTokenizer tokenizer, String source) {}

    private CheckpointTokenizer() {}

    /** The tokenizer for {@code files}, or null when none is given, beside the weights or recorded. */
    public static Found find(CheckpointFiles files, Path override, int vocabSize) {
        if (override != null) {
            ClipTokenizer t = ClipTokenizer.load(override);
            if (t.vocabulary().size() > vocabSize) {
                throw new IllegalArgumentException("tokenizer " + override + " has " + t.vocabulary().size()
                        + " ids but the checkpoint's text tower only " + vocabSize + " (wrong --vocab?)");
            }
            return new Found(t, "bpe:" + override.toAbsolutePath().normalize());
        }
        CheckpointFiles.TokenizerFiles tf = files.tokenizer();
        if (tf.vocabJson() != null) {
            return exact(new ClipTokenizer(BpeVocabulary.fromHuggingFace(tf.vocabJson(), tf.mergesTxt())), tf.vocabJson(), vocabSize,
                    "bpe:" + tf.vocabJson().toAbsolutePath().normalize());
        }
        if (tf.tokenizerJson() != null) {
            return exact(new ClipTokenizer(BpeVocabulary.fromTokenizerJson(tf.tokenizerJson())), tf.tokenizerJson(), vocabSize,
                    "bpe:" + tf.tokenizerJson().toAbsolutePath().normalize());
        }
        return recorded(files.metadata(), files.path(), vocabSize);
    }

    private static Found exact(ClipTokenizer t, Path file, int vocabSize, String source) {
        if (t.vocabulary().size() != vocabSize) {
            throw new IllegalArgumentException(file + ": the tokenizer has " + t.vocabulary().size() + " ids but the text tower's vocab_size is "
                    + vocabSize + " (token_embedding.weight): these files do not belong to these weights");
        }
        return new Found(t, source);
    }

    private static Found recorded(Map<String, String> metadata, Path checkpoint, int vocabSize) {
        String recorded = metadata.get(KEY);
        if (recorded == null) return null;
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(recorded);
        } catch (IOException e) {
            throw new IllegalArgumentException(checkpoint + ": metadata 'tokenizer' is not JSON: " + recorded, e);
        }
        String type = n == null ? "" : n.path("type").asText("");
        Found f = switch (type) {
            case "bytes" -> new Found(ClipTokenizer.bytesOnly(), "bytes");
            case "bpe" -> {
                String v = n.path("vocab").asText("");
                if (v.isEmpty()) throw new IllegalArgumentException(checkpoint + ": metadata tokenizer " + recorded + " has no 'vocab'");
                Path p = checkpoint.toAbsolutePath().getParent().resolve(v);
                yield new Found(ClipTokenizer.load(p), "bpe:" + p.normalize());
            }
            case "bpe-embedded" -> {
                String vocab = metadata.get(VOCAB_KEY), merges = metadata.get(MERGES_KEY);
                if (vocab == null || merges == null) {
                    throw new IllegalArgumentException(checkpoint + ": metadata tokenizer is bpe-embedded but '" + (vocab == null ? VOCAB_KEY : MERGES_KEY)
                            + "' is missing");
                }
                yield new Found(new ClipTokenizer(BpeVocabulary.fromHuggingFace(vocab, merges, checkpoint + " (embedded tokenizer)")),
                        "embedded:" + n.path("source").asText(checkpoint.getFileName().toString()));
            }
            default -> throw new IllegalArgumentException(checkpoint + ": unknown tokenizer type '" + type
                    + "' in metadata " + recorded + " (expected bytes, bpe or bpe-embedded; pass --vocab to override)");
        };
        if (f.tokenizer().vocabulary().size() > vocabSize) {
            throw new IllegalArgumentException(checkpoint + ": the recorded tokenizer " + f.source() + " has " + f.tokenizer().vocabulary().size()
                    + " ids but the text tower only " + vocabSize);
        }
        return f;
    }

    /** The metadata that embeds {@code t} in a self-contained file ({@code source}: where it came from). */
    public static Map<String, String> embed(ClipTokenizer t, String source) {
        if (t.vocabulary().source().equals("bytes-only")) return Map.of(KEY, "{\"type\":\"bytes\"}");
        String desc = new ObjectMapper().createObjectNode().put("type", "bpe-embedded").put("source", source).toString();
        return Map.of(KEY, desc, VOCAB_KEY, t.vocabulary().toVocabJson(), MERGES_KEY, t.vocabulary().toMergesTxt());
    }
}
