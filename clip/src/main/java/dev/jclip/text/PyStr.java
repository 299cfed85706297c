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
     * Python's {@code str.lower()}: the full lowercase mapping with final sigma and
     * {@code İ -> i̇}. Java's {@code toLowerCase(Locale.ROOT)} implements the same rules but with
     * newer Unicode data; the 27 characters that gained a lowercase mapping after Unicode 14 are
     * kept as Python 3.11 keeps them.
     */
    public static String lower(String s) {
        boolean ascii = true;
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) return s.toLowerCase(Locale.ROOT);
        if (!hasPostUnicode14Upper(s)) return s.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(s.length());
        int start = 0;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int w = Character.charCount(c);
            if (isPostUnicode14Upper(c)) {
                sb.append(s.substring(start, i).toLowerCase(Locale.ROOT)).appendCodePoint(c);
                start = i + w;
            }
            i += w;
        }
        return sb.append(s.substring(start).toLowerCase(Locale.ROOT)).toString();
    }

    /** Python's {@code str.upper()} (full mapping, e.g. {@code ß -> SS}). */
    public static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    private static boolean hasPostUnicode14Upper(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0x1C89 || (c >= 0xA7CB && c <= 0xA7DC) || c == 0xD803) return true;
        }
        return false;
    }

    /** Uppercase letters added in Unicode 15/16 (unassigned, hence unchanged, in Python 3.11). */
    static boolean isPostUnicode14Upper(int c) {
        return c == 0x1C89 || c == 0xA7CB || c == 0xA7CC || c == 0xA7DA || c == 0xA7DC
                || (c >= 0x10D50 && c <= 0x10D65);
    }
}
