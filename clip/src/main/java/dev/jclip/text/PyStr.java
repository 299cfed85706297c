package dev.jclip.text;

import java.util.Locale;

/**
 * Python string semantics the reference tokenizer relies on, where Java's differ:
 * {@code str.isspace()}/{@code str.strip()} (Java's {@code strip()} misses NBSP and U+202F),
 * the {@code regex} module's {@code \s} (Unicode White_Space; unlike {@code isspace} it excludes
 * U+001C..U+001F), and {@code str.lower()} (Unicode 14 in Python 3.11).
 *
 * <pre>{@code
 * PyStr.strip("\u00a0 a b \u202f");          // "a b"
 * PyStr.collapseWhitespace("a \t\u2009 b");  // "a b"
 * PyStr.lower("ΟΔΟΣ");                       // "οδος" (final sigma)
 * }</pre>
 */
public final class PyStr {
    private PyStr() {}

    /** The regex module's {@code \s}: the Unicode White_Space property. */
    public static boolean isWhiteSpace(int c) {
        if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** Python's {@code str.isspace()} for one code point: White_Space plus U+001C..U+001F. */
    public static boolean isSpace(int c) {
        return isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
    }

    /** Python's {@code str.strip()} without arguments. */
    public static String strip(String s) {
        int start = 0, end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** {@code regex.sub(r'\s+', ' ', s)} with the regex module's {@code \s}. */
    public static String collapseWhitespace(String s) {
        StringBuilder sb = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isWhiteSpace(c)) {
                int j = i + 1;
                while (j < n && isWhiteSpace(s.charAt(j))) j++;
                if (sb == null) {
                    if (c == ' ' && j == i + 1) continue; // a lone space stays as it is
                    sb = new StringBuilder(n).append(s, 0, i);
                }
                sb.append(' ');
                i = j - 1;
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * Python's {@code str.lower()}: the simple lowercase mapping of each character, except
     * {@code İ -> i̇} (the one unconditional multi-character mapping) and capital sigma, which
     * becomes final {@code ς} after a cased letter (skipping case-ignorables) when no cased letter
     * follows, as in CPython's {@code handle_capital_sigma}. (Java's {@code toLowerCase} gets that
     * context wrong in some cases, e.g. after a digit.) The 27 characters that gained a lowercase
     * mapping after Unicode 14 are kept, as Python 3.11 keeps them.
     */
    public static String lower(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) { // unchanged prefix: no allocation for already-lower text
            char c = s.charAt(i);
            if (c < 0x80 ? (c >= 'A' && c <= 'Z') : (Character.isSurrogate(c) || Character.toLowerCase(c) != c
                    || c == '\u0130' || c == '\u03a3')) break;
            i++;
        }
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n + 4).append(s, 0, i);
        while (i < n) {
            int c = s.codePointAt(i);
            if (c == 0x130) sb.append("i\u0307");
            else if (c == 0x3A3) sb.append(finalSigma(s, i) ? '\u03c2' : '\u03c3');
            else if (isPostUnicode14Upper(c)) sb.appendCodePoint(c);
            else sb.appendCodePoint(Character.toLowerCase(c));
            i += Character.charCount(c);
        }
        return sb.toString();
    }

    private static boolean finalSigma(String s, int i) {
        int j = i;
        int c = 0;
        boolean found = false;
        while (j > 0) {
            c = s.codePointBefore(j);
            j -= Character.charCount(c);
            if (!isCaseIgnorable(c)) {
                found = true;
                break;
            }
        }
        if (!found || !isCased(c)) return false;
        j = i + 1;
        while (j < s.length()) {
            c = s.codePointAt(j);
            if (!isCaseIgnorable(c)) return !isCased(c);
            j += Character.charCount(c);
        }
        return true;
    }

    /** Unicode's Cased: Lowercase, Uppercase (both with their Other_ parts) or titlecase. */
    static boolean isCased(int c) {
        return Character.isLowerCase(c) || Character.isUpperCase(c) || Character.isTitleCase(c);
    }

    /** Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter/MidNumLet/Single_Quote. */
    static boolean isCaseIgnorable(int c) {
        switch (c) {
            case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52,
                    0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
                return true;
            default:
                int t = Character.getType(c);
                return t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK || t == Character.FORMAT
                        || t == Character.MODIFIER_LETTER || t == Character.MODIFIER_SYMBOL;
        }
    }

    /** Python's {@code str.upper()} (full mapping, e.g. {@code ß -> SS}). */
    public static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    /** Uppercase letters added in Unicode 15/16 (unassigned, hence unchanged, in Python 3.11). */
    static boolean isPostUnicode14Upper(int c) {
        return c == 0x1C89 || c == 0xA7CB || c == 0xA7CC || c == 0xA7DA || c == 0xA7DC
                || (c >= 0x10D50 && c <= 0x10D65);
    }
}
