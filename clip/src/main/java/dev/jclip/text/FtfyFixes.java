package dev.jclip.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Entities;

/**
 * The single fixes of ftfy 6.3.1 ({@code ftfy/fixes.py}) that {@code fix_text} runs with its
 * default configuration, each a pure {@code String -> String} function with ftfy's name.
 *
 * <pre>{@code
 * FtfyFixes.unescapeHtml("P&EACUTE;REZ &lt;3");   // "PÉREZ <3"
 * FtfyFixes.uncurlQuotes("“it’s”");               // "\"it's\""
 * }</pre>
 */
final class FtfyFixes {
    private FtfyFixes() {}

    /**
     * {@code unescape_html}: only complete references {@code &#?[0-9A-Za-z]{1,24};}, decoded from
     * the HTML5 table, plus all-caps forms of lowercase names ({@code &EACUTE;} gives {@code É})
     * where the all-caps form is not itself meaningful to {@code html.unescape}.
     */
    static String unescapeHtml(String text) {
        int amp = text.indexOf('&');
        if (amp < 0) return text;
        StringBuilder sb = null;
        int pos = 0;
        int n = text.length();
        while (amp >= 0) {
            int i = amp + 1;
            boolean hash = i < n && text.charAt(i) == '#';
            int end = -1;
            // "&#?" then 1..24 ASCII alphanumerics then ";": try with the '#', then without.
            for (int start : hash ? new int[] {i + 1} : new int[] {i}) {
                int j = start;
                while (j < n && j - start < 24 && isAsciiAlnum(text.charAt(j))) j++;
                if (j > start && j < n && text.charAt(j) == ';') end = j + 1;
            }
            if (end > 0) {
                String ref = text.substring(amp, end);
                String rep = fixup(ref);
                if (!rep.equals(ref)) {
                    if (sb == null) sb = new StringBuilder(n);
                    sb.append(text, pos, amp).append(rep);
                    pos = end;
                }
                amp = text.indexOf('&', end);
            } else {
                amp = text.indexOf('&', amp + 1);
            }
        }
        return sb == null ? text : sb.append(text, pos, n).toString();
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** ftfy's {@code _unescape_fixup} for one complete reference {@code &...;}. */
    private static String fixup(String ref) {
        String name = ref.substring(1, ref.length() - 1);
        if (name.startsWith("#")) {
            String un = HtmlUnescape.unescape(ref);
            return un.indexOf(';') >= 0 ? ref : un; // only a fully consumed reference counts
        }
        if (Entities.isNamedEntity(name)) return Entities.getByName(name);
        // ftfy's all-caps additions: "&" + name.upper() for lowercase names with ';'
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (!lower.equals(name) && lower.toUpperCase(java.util.Locale.ROOT).equals(name)
                && Entities.isNamedEntity(lower) && HtmlUnescape.unescape(ref).equals(ref)) {
            return PyStr.upper(Entities.getByName(lower));
        }
        return ref;
    }

    private static final Pattern ANSI_RE = Pattern.compile("\u001b\\[((?:\\p{Nd}|;)*)([a-zA-Z])");

    /** {@code remove_terminal_escapes}: ANSI escape sequences such as colours. */
    static String removeTerminalEscapes(String text) {
        if (text.indexOf('\u001b') < 0) return text;
        return ANSI_RE.matcher(text).replaceAll("");
    }

    /** {@code uncurl_quotes}: U+02BC and U+2018..U+201B to {@code '}, U+201C..U+201F to {@code "}. */
    static String uncurlQuotes(String text) {
        char[] cs = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char r = (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) ? '\''
                    : (c >= '\u201c' && c <= '\u201f') ? '"' : c;
            if (r != c) {
                if (cs == null) cs = text.toCharArray();
                cs[i] = r;
            }
        }
        return cs == null ? text : new String(cs);
    }

    /** {@code fix_latin_ligatures}. */
    static String fixLatinLigatures(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String r = c >= 0x132 ? FtfyCharData.ligature(c) : null;
            if (r != null && sb == null) sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            if (sb != null) {
                if (r != null) sb.append(r);
                else sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code fix_character_width}: full-width ASCII, half-width katakana/hangul, U+3000. */
    static String fixCharacterWidth(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String r = c >= 0x3000 ? FtfyCharData.width(c) : null;
            if (r != null && sb == null) sb = new StringBuilder(text.length()).append(text, 0, i);
            if (sb != null) {
                if (r != null) sb.append(r);
                else sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code fix_line_breaks}: CRLF, CR, U+2028, U+2029 and U+0085 to {@code \n}. */
    static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n')
                .replace('\u2029', '\n').replace('\u0085', '\n');
    }

    /**
     * {@code fix_surrogates}: lone surrogates to U+FFFD. (A Java string holds a proper pair as one
     * code point already, which is what ftfy's pair conversion produces.)
     */
    static String fixSurrogates(String text) {
        char[] cs = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                if (cs == null) cs = text.toCharArray();
                cs[i] = '\uFFFD';
            }
        }
        return cs == null ? text : new String(cs);
    }

    /** {@code remove_control_chars}. */
    static String removeControlChars(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean drop = FtfyCharData.isRemovedControl(c);
            if (drop && sb == null) sb = new StringBuilder(text.length()).append(text, 0, i);
            if (sb != null && !drop) sb.append(c);
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code fix_c1_controls}: each C1 control read as sloppy Windows-1252. */
    static String fixC1Controls(String text) {
        char[] cs = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                if (cs == null) cs = text.toCharArray();
                cs[i] = FtfyCharData.SLOPPY_1252.table()[c];
            }
        }
        return cs == null ? text : new String(cs);
    }

    /** {@code restore_byte_a0} on an ISO-8859-1 byte string. */
    static String restoreByteA0(String bytes) {
        String s = FtfyCharData.A_GRAVE_WORD_RE.matcher(bytes).replaceAll("\u00c3\u00a0 ");
        Matcher m = FtfyCharData.ALTERED_UTF8_RE.matcher(s);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group().replace(' ', '\u00a0')));
    }

    /** {@code replace_lossy_sequences} on an ISO-8859-1 byte string: lossy UTF-8 to EF BF BD. */
    static String replaceLossySequences(String bytes) {
        return FtfyCharData.LOSSY_UTF8_RE.matcher(bytes).replaceAll("\u00ef\u00bf\u00bd");
    }
}
