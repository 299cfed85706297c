package dev.jclip.text;

import org.jsoup.nodes.Entities;

/**
 * Python's {@code html.unescape}: named references from the HTML5 table (jsoup's
 * {@link Entities} holds the same 2,125 names with {@code ;} and 106 legacy names without it as
 * {@code html.entities.html5}), the longest-prefix rule for references without {@code ;}
 * ({@code &notit;} gives {@code ¬it;}), and numeric references mapped the HTML5 way
 * ({@code &#128;} is {@code €}, {@code &#0;} and {@code &#xD800;} are U+FFFD, {@code &#1;} is
 * dropped).
 *
 * <pre>{@code
 * HtmlUnescape.unescape("&amp;lt; &ltfoo &#x9F;");   // "&lt; <foo Ÿ"
 * }</pre>
 */
public final class HtmlUnescape {
    private HtmlUnescape() {}

    /** Python's {@code _invalid_charrefs} for 0x80..0x9F: the Windows-1252 reading. */
    private static final String C1_AS_CP1252 =
            "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f"
            + "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

    /** {@code html.unescape(s)}. */
    public static String unescape(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        int pos = 0;
        while (amp >= 0) {
            sb.append(s, pos, amp);
            pos = replaceAt(s, amp, sb);
            amp = s.indexOf('&', pos);
        }
        return sb.append(s, pos, s.length()).toString();
    }

    /** Appends the replacement of the reference starting at {@code amp}; returns the end index. */
    private static int replaceAt(String s, int amp, StringBuilder sb) {
        int n = s.length();
        int i = amp + 1;
        if (i < n && s.charAt(i) == '#') {
            boolean hex = i + 1 < n && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X');
            int start = hex ? i + 2 : i + 1;
            int j = start;
            while (j < n && (hex ? Character.digit(s.charAt(j), 16) >= 0 && s.charAt(j) < 0x80
                    : s.charAt(j) >= '0' && s.charAt(j) <= '9')) j++;
            if (j == start) { // "&#" not followed by digits: no match at this '&'
                sb.append('&');
                return amp + 1;
            }
            int end = j < n && s.charAt(j) == ';' ? j + 1 : j;
            appendCharRef(numericValue(s, start, j, hex ? 16 : 10), sb);
            return end;
        }
        // Named: [^\t\n\f <&#;]{1,32};?  (counted in code points)
        int j = i, count = 0;
        while (j < n && count < 32) {
            int c = s.codePointAt(j);
            if (c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' || c == '#'
                    || c == ';') break;
            j += Character.charCount(c);
            count++;
        }
        if (count == 0) {
            sb.append('&');
            return amp + 1;
        }
        boolean semi = j < n && s.charAt(j) == ';';
        String name = s.substring(i, j);
        if (semi && Entities.isNamedEntity(name)) {
            sb.append(Entities.getByName(name));
            return j + 1;
        }
        if (!semi && Entities.isBaseNamedEntity(name)) {
            sb.append(Entities.getByName(name));
            return j;
        }
        // Longest prefix of the match (at least 2 characters) that is a legacy name without ';'.
        String whole = semi ? name + ";" : name;
        int[] cps = whole.codePoints().toArray();
        for (int x = cps.length - 1; x > 1; x--) {
            String prefix = new String(cps, 0, x);
            if (Entities.isBaseNamedEntity(prefix)) {
                sb.append(Entities.getByName(prefix)).append(new String(cps, x, cps.length - x));
                return semi ? j + 1 : j;
            }
        }
        sb.append('&').append(whole);
        return semi ? j + 1 : j;
    }

    /** The numeric value, saturated at 0x110000 (anything above U+10FFFF maps to U+FFFD anyway). */
    private static int numericValue(String s, int from, int to, int radix) {
        long v = 0;
        for (int k = from; k < to; k++) {
            v = v * radix + Character.digit(s.charAt(k), radix);
            if (v > 0x110000) return 0x110000;
        }
        return (int) v;
    }

    private static void appendCharRef(int num, StringBuilder sb) {
        if (num == 0) sb.append('\uFFFD');
        else if (num == 0x0D) sb.append('\r');
        else if (num >= 0x80 && num <= 0x9F) sb.append(C1_AS_CP1252.charAt(num - 0x80));
        else if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) sb.append('\uFFFD');
        else if (isInvalidCodepoint(num)) { /* Python drops these */ }
        else sb.appendCodePoint(num);
    }

    /** Python's {@code _invalid_codepoints} (the C1 range is handled before). */
    private static boolean isInvalidCodepoint(int c) {
        return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F) || c == 0x7F
                || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
    }
}
