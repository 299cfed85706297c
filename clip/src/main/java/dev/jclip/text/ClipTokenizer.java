package dev.jclip.text;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * openai/CLIP's tokenizer ({@code simple_tokenizer.SimpleTokenizer} + {@code clip.tokenize}),
 * exact to the reference: text clean-up ({@link TextCleaner}: ftfy, {@code html.unescape}
 * twice, whitespace, lower case), the split pattern ({@link PreTokenizer}), byte-level BPE with
 * the merge ranks of a {@link BpeVocabulary}, and the reference's context-length rules.
 * Thread-safe: one instance serves any number of threads; BPE results per pre-token are cached
 * in a concurrent map (cleared when it exceeds {@value #CACHE_LIMIT} entries, so memory stays
 * bounded on endless streams of new words).
 *
 * <pre>{@code
 * ClipTokenizer tok = ClipTokenizer.load(Path.of("bpe_simple_vocab_16e6.txt.gz"));
 * tok.encode("a diagram");                              // [320, 22697]
 * int[][] ids = tok.tokenizeIds(List.of("a dog"), 77, false);  // [[49406, 320, 1929, 49407, 0, ...]]
 * tok.decode(new int[] {320, 1929});                    // "a dog "
 * }</pre>
 */
public final class ClipTokenizer {
    /** The reference's default context length. */
    public static final int DEFAULT_CONTEXT_LENGTH = 77;
    /** Cache size beyond which the per-word cache is emptied. */
    public static final int CACHE_LIMIT = 1 << 18;

    private final BpeVocabulary vocab;
    private final MergeTable merges;
    private final byte[][] tokenBytes;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>(1 << 12);

    public ClipTokenizer(BpeVocabulary vocab) {
        this.vocab = vocab;
        this.merges = vocab.merges();
        this.tokenBytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.token(id);
            if (t == null) continue;
            byte[] b = new byte[t.length()];
            boolean ok = true;
            for (int i = 0; i < b.length && ok; i++) {
                int v = BytesToUnicode.byteOf(t.charAt(i));
                ok = v >= 0;
                b[i] = (byte) v;
            }
            tokenBytes[id] = ok ? b : null;
        }
    }

    /** A tokenizer over a vocabulary file or folder, format detected ({@link BpeVocabulary#load}). */
    public static ClipTokenizer load(Path vocabulary) {
        return new ClipTokenizer(BpeVocabulary.load(vocabulary));
    }

    /** The bytes-only tokenizer (no merges; 514 ids) for models trained from scratch. */
    public static ClipTokenizer bytesOnly() {
        return new ClipTokenizer(BpeVocabulary.bytesOnly());
    }

    public BpeVocabulary vocabulary() {
        return vocab;
    }

    /** Id of {@code <|startoftext|>}. */
    public int sotToken() {
        return vocab.startOfText();
    }

    /** Id of {@code <|endoftext|>}. */
    public int eotToken() {
        return vocab.endOfText();
    }

    /** {@code SimpleTokenizer.encode}: BPE ids of the cleaned text, no start/end, no padding. */
    public int[] encode(String text) {
        IntBuffer out = new IntBuffer(text.length() / 3 + 4);
        encodeInto(text, out);
        return out.toArray();
    }

    private void encodeInto(String text, IntBuffer out) {
        String clean = TextCleaner.clean(text);
        PreTokenizer.scan(clean, (t, s, e, kind) -> {
            switch (kind) {
                case PreTokenizer.START_OF_TEXT -> out.add(vocab.startOfText());
                case PreTokenizer.END_OF_TEXT -> out.add(vocab.endOfText());
                default -> out.addAll(word(t.substring(s, e)));
            }
        });
    }

    /** The BPE ids of one pre-token (cached). */
    private int[] word(String token) {
        int[] ids = cache.get(token);
        if (ids == null) {
            ids = bpe(token);
            if (cache.size() >= CACHE_LIMIT) cache.clear();
            cache.put(token, ids);
        }
        return ids;
    }

    /** Byte symbols of the token's UTF-8 (the last with {@code </w>}), then merges by rank. */
    private int[] bpe(String token) {
        byte[] utf8 = utf8(token);
        int n = utf8.length;
        int[] sym = new int[n];
        for (int i = 0; i < n; i++) sym[i] = i == n - 1 ? vocab.byteEndId(utf8[i] & 0xFF) : vocab.byteId(utf8[i] & 0xFF);
        while (n > 1) {
            int best = MergeTable.NO_MERGE, at = -1;
            for (int i = 0; i + 1 < n; i++) {
                int r = merges.rank(sym[i], sym[i + 1]);
                if (r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) break;
            int first = sym[at], second = sym[at + 1];
            int merged = merges.merged(first, second);
            // merge every occurrence, left to right, like the reference's index() loop
            int k = 0;
            for (int i = 0; i < n; ) {
                if (i + 1 < n && sym[i] == first && sym[i + 1] == second) {
                    sym[k++] = merged;
                    i += 2;
                } else {
                    sym[k++] = sym[i++];
                }
            }
            n = k;
        }
        return n == sym.length ? sym : Arrays.copyOf(sym, n);
    }

    /** UTF-8 of a pre-token (lone surrogates, which clean-up never leaves, as U+FFFD). */
    private static byte[] utf8(String s) {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) ascii = s.charAt(i) < 0x80;
        if (ascii) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte) s.charAt(i);
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * 3);
        for (int i = 0; i < n; ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isSurrogate((char) c) && c < 0x10000) c = 0xFFFD;
            if (c < 0x80) out.write(c);
            else if (c < 0x800) {
                out.write(0xC0 | (c >> 6));
                out.write(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            } else {
                out.write(0xF0 | (c >> 18));
                out.write(0x80 | ((c >> 12) & 0x3F));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            }
        }
        return out.toByteArray();
    }

    /**
     * {@code SimpleTokenizer.decode}: token bytes joined, decoded as UTF-8 with
     * {@code errors="replace"}, then every {@code </w>} replaced by a space (a trailing space
     * stays; special tokens decode without one).
     */
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
                throw new IllegalArgumentException("cannot decode id " + id + " at position " + i + ": "
                        + (id < 0 || id >= tokenBytes.length || vocab.token(id) == null
                        ? "not in the vocabulary (" + vocab.size() + " ids)"
                        : "token '" + vocab.token(id) + "' is not byte-level BPE"));
            }
            out.writeBytes(tokenBytes[id]);
        }
        return Utf8Codec.decodeReplace(out.toByteArray()).replace("</w>", " ");
    }

    /**
     * {@code clip.tokenize(texts, context_length, truncate)} as ids: per text
     * {@code [sot] + encode(text) + [eot]}, zero padded to {@code contextLength}. A text that
     * does not fit raises {@link TextTooLongException}, or with {@code truncate} keeps the first
     * {@code contextLength} ids with the last replaced by end of text.
     */
    public int[][] tokenizeIds(List<String> texts, int contextLength, boolean truncate) {
        if (contextLength < 1) throw new IllegalArgumentException("context length must be >= 1, got " + contextLength);
        int[][] result = new int[texts.size()][];
        IntBuffer buf = new IntBuffer(contextLength + 8);
        for (int i = 0; i < result.length; i++) {
            String text = texts.get(i);
            if (text == null) throw new IllegalArgumentException("text #" + i + " is null");
            buf.clear();
            buf.add(vocab.startOfText());
            encodeInto(text, buf);
            buf.add(vocab.endOfText());
            int[] row = new int[contextLength];
            if (buf.size() > contextLength) {
                if (!truncate) throw new TextTooLongException(i, text, buf.size(), contextLength);
                System.arraycopy(buf.data(), 0, row, 0, contextLength);
                row[contextLength - 1] = vocab.endOfText();
            } else {
                System.arraycopy(buf.data(), 0, row, 0, buf.size());
            }
            result[i] = row;
        }
        return result;
    }

    /**
     * {@link #tokenizeIds} flattened row-major into int64 values: the data of the reference's
     * {@code [n, contextLength]} token tensor, ready to be wrapped as one.
     */
    public long[] tokenizeFlat(List<String> texts, int contextLength, boolean truncate) {
        int[][] ids = tokenizeIds(texts, contextLength, truncate);
        long[] flat = new long[ids.length * contextLength];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < contextLength; j++) flat[i * contextLength + j] = ids[i][j];
        }
        return flat;
    }

    /**
     * {@code clip.tokenize(texts, contextLength, truncate)}: an int64 tensor {@code [n, contextLength]}
     * on the CPU (the reference returns int32 under PyTorch >= 1.8; the models take int64).
     *
     * <pre>{@code
     * Tensor tokens = tokenizer.tokenize(List.of("a diagram", "a dog"), 77, false);
     * }</pre>
     */
    public dev.jclip.torch.Tensor tokenize(List<String> texts, int contextLength, boolean truncate) {
        return dev.jclip.torch.Torch.of(tokenizeFlat(texts, contextLength, truncate), texts.size(), contextLength);
    }

    /** {@link #tokenize(List, int, boolean)} with the reference's defaults (77, no truncation). */
    public dev.jclip.torch.Tensor tokenize(List<String> texts) {
        return tokenize(texts, 77, false);
    }

    /** Empties the per-word cache (for benchmarks that measure a cold start). */
    public void clearCache() {
        cache.clear();
    }

    /** A growable int array (avoids boxing on the hot path). */
    private static final class IntBuffer {
        private int[] data;
        private int size;

        IntBuffer(int capacity) {
            data = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }

        void addAll(int[] vs) {
            if (size + vs.length > data.length) data = Arrays.copyOf(data, Math.max(size * 2, size + vs.length));
            System.arraycopy(vs, 0, data, size, vs.length);
            size += vs.length;
        }

        void clear() {
            size = 0;
        }

        int size() {
            return size;
        }

        int[] data() {
            return data;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
