package dev.jclip.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's split pattern as a hand-written scanner (no regex on the hot path):
 * <pre>
 * &lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
 * </pre>
 * with {@code regex.IGNORECASE} (so {@code 'ſ} counts as {@code 's}, ſ folding to s), {@code \s} =
 * Unicode White_Space. Alternatives are tried in order at each position, like {@code re.findall};
 * whitespace between matches is skipped, and so is U+0345 (see below). Consequences: every digit is its own token, contractions
 * match anywhere ({@code 'st} gives {@code 's}, {@code t}), combining marks split words.
 *
 * <pre>{@code
 * PreTokenizer.split("it's 12 <|endoftext|>!!");   // [it, 's, 1, 2, <|endoftext|>, !!]
 * }</pre>
 */
public final class PreTokenizer {
    private PreTokenizer() {}

    /** Kind of a pre-token. */
    public static final int WORD = 0, START_OF_TEXT = 1, END_OF_TEXT = 2;

    /** Receives pre-tokens as {@code text[start, end)}. */
    @FunctionalInterface
    public interface Sink {
        void token(String text, int start, int end, int kind);
    }

    /** The pre-tokens of an already cleaned text, as strings (special tokens included literally). */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        scan(text, (t, s, e, k) -> out.add(t.substring(s, e)));
        return out;
    }

    /** Scans {@code text}, calling {@code sink} once per pre-token in order. */
    public static void scan(String text, Sink sink) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (isAsciiLetter(c)) {
                    int j = i + 1;
                    while (j < n) {
                        char d = text.charAt(j);
                        if (d < 0x80 ? isAsciiLetter(d) : (!Character.isSurrogate(d) && isLetter(d))) j++;
                        else if (Character.isHighSurrogate(d) && isLetter(text.codePointAt(j))) j += 2;
                        else break;
                    }
                    sink.token(text, i, j, WORD);
                    i = j;
                    continue;
                }
                if (c >= '0' && c <= '9') {
                    sink.token(text, i, i + 1, WORD);
                    i++;
                    continue;
                }
                if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
                    i++;
                    continue;
                }
                if (c == '<') {
                    int e = special(text, i, "<|startoftext|>");
                    if (e > 0) { // only the exact literal is the special token (the reference's cache)
                        sink.token(text, i, e, text.startsWith("<|startoftext|>", i) ? START_OF_TEXT : WORD);
                        i = e;
                        continue;
                    }
                    e = special(text, i, "<|endoftext|>");
                    if (e > 0) {
                        sink.token(text, i, e, text.startsWith("<|endoftext|>", i) ? END_OF_TEXT : WORD);
                        i = e;
                        continue;
                    }
                } else if (c == '\'') {
                    int e = contraction(text, i);
                    if (e > 0) {
                        sink.token(text, i, e, WORD);
                        i = e;
                        continue;
                    }
                }
            }
            int cp = text.codePointAt(i);
            int w = Character.charCount(cp);
            if (c >= 0x80) {
                if (isLetter(cp)) {
                    int j = i + w;
                    while (j < n) {
                        int d = text.codePointAt(j);
                        if (!isLetter(d)) break;
                        j += Character.charCount(d);
                    }
                    sink.token(text, i, j, WORD);
                    i = j;
                    continue;
                }
                if (isNumber(cp)) {
                    sink.token(text, i, i + w, WORD);
                    i += w;
                    continue;
                }
                if (PyStr.isWhiteSpace(cp) || cp == YPOGEGRAMMENI) {
                    i += w;
                    continue;
                }
            }
            // [^\s\p{L}\p{N}]+ : symbols, punctuation, marks, controls
            int j = i + w;
            while (j < n) {
                int d = text.codePointAt(j);
                if (PyStr.isWhiteSpace(d) || isLetter(d) || isNumber(d) || d == YPOGEGRAMMENI) break;
                j += Character.charCount(d);
            }
            sink.token(text, i, j, WORD);
            i = j;
        }
    }

    /**
     * U+0345 matches no alternative in the reference: it is not a letter, and under IGNORECASE
     * the regex module does not let {@code [^\s\p{L}\p{N}]} match it either (its case partner
     * ι is a letter). It separates tokens like whitespace and yields none.
     */
    private static final int YPOGEGRAMMENI = 0x345;

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** {@code \p{L}}: categories Lu, Ll, Lt, Lm, Lo. */
    static boolean isLetter(int cp) {
        if (cp < 0x80) return isAsciiLetter((char) cp);
        int t = Character.getType(cp);
        return t >= Character.UPPERCASE_LETTER && t <= Character.OTHER_LETTER;
    }

    /** {@code \p{N}}: categories Nd, Nl, No. */
    static boolean isNumber(int cp) {
        if (cp < 0x80) return cp >= '0' && cp <= '9';
        int t = Character.getType(cp);
        return t >= Character.DECIMAL_DIGIT_NUMBER && t <= Character.OTHER_NUMBER;
    }

    /** Case-insensitive equality of a text char with an ASCII pattern char (ſ folds to s). */
    private static boolean eq(char textChar, char patternChar) {
        if (textChar == patternChar) return true;
        if (patternChar >= 'a' && patternChar <= 'z') {
            return textChar == patternChar - 32 || (patternChar == 's' && textChar == '\u017f');
        }
        return false;
    }

    private static int special(String text, int i, String literal) {
        int n = literal.length();
        if (i + n > text.length()) return -1;
        for (int k = 0; k < n; k++) if (!eq(text.charAt(i + k), literal.charAt(k))) return -1;
        return i + n;
    }

    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

    private static int contraction(String text, int i) {
        for (String c : CONTRACTIONS) {
            int e = special(text, i, c);
            if (e > 0) return e;
        }
        return -1;
    }
}
