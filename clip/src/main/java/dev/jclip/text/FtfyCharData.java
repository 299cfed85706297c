package dev.jclip.text;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Character tables of ftfy 6.3.1 ({@code ftfy/chardata.py} and {@code ftfy/bad_codecs}), built
 * from the JDK's charsets, which decode all 256 bytes of these ten encodings exactly like
 * Python's codecs (checked byte by byte when this port was written; {@code FtfyCharDataTest}
 * keeps checking the parts that matter).
 *
 * <p>Byte strings are handled as ISO-8859-1 Java strings (one char per byte) so that ftfy's
 * byte regexes ({@code ALTERED_UTF8_RE}, {@code LOSSY_UTF8_RE}) run on {@link Pattern}.
 */
final class FtfyCharData {
    private FtfyCharData() {}

    /** A single-byte encoding as ftfy uses it: decode table plus the inverse for encoding. */
    record SingleByte(String name, char[] table, Map<Character, Integer> inverse) {
        /** ftfy's {@code possible_encoding}: every char is one this encoding decodes to. */
        boolean canEncode(String text) {
            for (int i = 0, n = text.length(); i < n; i++) {
                char c = text.charAt(i);
                if (c >= 0x80 || c == 0x1A) {
                    if (!inverse.containsKey(c)) return false;
                }
            }
            return true;
        }

        /** {@code text.encode(name)} as an ISO-8859-1 byte string; call only after {@link #canEncode}. */
        String encode(String text) {
            char[] out = new char[text.length()];
            for (int i = 0; i < out.length; i++) {
                char c = text.charAt(i);
                out[i] = (c < 0x80 && c != 0x1A) ? c : (char) (int) inverse.get(c);
            }
            return new String(out);
        }

        /** {@code bytes.decode(name)} of an ISO-8859-1 byte string. */
        String decode(String bytes) {
            char[] out = new char[bytes.length()];
            for (int i = 0; i < out.length; i++) out[i] = table[bytes.charAt(i)];
            return new String(out);
        }
    }

    static final SingleByte LATIN_1 = plain("latin-1", "ISO-8859-1");
    static final SingleByte SLOPPY_1252 = sloppy("sloppy-windows-1252", "windows-1252");
    static final SingleByte WINDOWS_1252 = plain("windows-1252", "windows-1252");

    /** ftfy's {@code CHARMAP_ENCODINGS}, in the order they are tried. */
    static final List<SingleByte> CHARMAP_ENCODINGS = List.of(
            LATIN_1,
            SLOPPY_1252,
            sloppy("sloppy-windows-1251", "windows-1251"),
            sloppy("sloppy-windows-1250", "windows-1250"),
            sloppy("sloppy-windows-1253", "windows-1253"),
            sloppy("sloppy-windows-1254", "windows-1254"),
            sloppy("sloppy-windows-1257", "windows-1257"),
            plain("iso-8859-2", "ISO-8859-2"),
            plain("macroman", "x-MacRoman"),
            plain("cp437", "IBM437"));

    private static SingleByte plain(String name, String javaName) {
        char[] t = decodeAll(javaName);
        return new SingleByte(name, t, inverse(t, true));
    }

    /**
     * ftfy's sloppy codecs: bytes the real codec leaves undefined decode as Latin-1, and byte 1A
     * stands for U+FFFD (so lossy mojibake can still be re-encoded).
     */
    private static SingleByte sloppy(String name, String javaName) {
        char[] t = decodeAll(javaName);
        for (int b = 0; b < 256; b++) if (t[b] == '\uFFFD') t[b] = (char) b;
        t[0x1A] = '\uFFFD';
        return new SingleByte(name, t, inverse(t, false));
    }

    private static char[] decodeAll(String javaName) {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) all[b] = (byte) b;
        char[] t = new String(all, Charset.forName(javaName)).toCharArray();
        if (t.length != 256) throw new IllegalStateException(javaName + " is not a single-byte charset");
        return t;
    }

    private static Map<Character, Integer> inverse(char[] t, boolean keep1A) {
        Map<Character, Integer> m = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            if (b >= 0x80 || (b == 0x1A)) m.putIfAbsent(t[b], b);
        }
        if (!keep1A) m.remove((char) 0x1A);
        return m;
    }

    // ---- byte regexes (over ISO-8859-1 strings) ----

    /** UTF-8 that would be valid if a byte A0 had not been turned into a space. */
    static final Pattern ALTERED_UTF8_RE = Pattern.compile(
            "[\\xc2\\xc3\\xc5\\xce\\xd0\\xd9] "
            + "|[\\xe2\\xe3] [\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf]"
            + "|[\\xe0-\\xe3][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf] "
            + "|\\xf0 [\\x80-\\xbf][\\x80-\\xbf]"
            + "|\\xf0[\\x80-\\xbf] [\\x80-\\xbf]"
            + "|\\xf0[\\x80-\\xbf][\\x80-\\xbf] ");

    /** UTF-8 and CESU-8 sequences with continuation bytes lost (1A) or replaced by {@code ?}. */
    static final Pattern LOSSY_UTF8_RE = Pattern.compile(
            "[\\xc2-\\xdf][\\x1a]"
            + "|[\\xc2-\\xc3][?]"
            + "|\\xed[\\xa0-\\xaf][\\x1a?]\\xed[\\xb0-\\xbf][\\x1a?\\x80-\\xbf]"
            + "|\\xed[\\xa0-\\xaf][\\x1a?\\x80-\\xbf]\\xed[\\xb0-\\xbf][\\x1a?]"
            + "|[\\xe0-\\xef][\\x1a?][\\x1a\\x80-\\xbf]"
            + "|[\\xe0-\\xef][\\x1a\\x80-\\xbf][\\x1a?]"
            + "|[\\xf0-\\xf4][\\x1a?][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf]"
            + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a?][\\x1a\\x80-\\xbf]"
            + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf][\\x1a?]"
            + "|\\x1a");

    /** The exception in {@code restore_byte_a0} for the word "à" (keeps the following space). */
    static final Pattern A_GRAVE_WORD_RE = Pattern.compile("\\xc3 (?! |quele|quela|quilo|s )");

    // ---- character classes ----

    /** C1 controls, which ftfy reads as Windows-1252. */
    static final Pattern C1_CONTROL_RE = Pattern.compile("[\\x80-\\x9f]");

    /**
     * {@code UTF8_DETECTOR_RE}: runs of characters that look like UTF-8 read as a Latin-1-like
     * encoding, not preceded by a strict continuation character. The clue classes are ftfy's
     * {@code UTF8_CLUES}, which ftfy generates from these seven encodings; they are derived here
     * the same way.
     */
    static final Pattern UTF8_DETECTOR_RE;

    static {
        List<SingleByte> clueEncodings = List.of(LATIN_1, SLOPPY_1252, CHARMAP_ENCODINGS.get(2),
                CHARMAP_ENCODINGS.get(3), CHARMAP_ENCODINGS.get(4), CHARMAP_ENCODINGS.get(5),
                CHARMAP_ENCODINGS.get(6));
        StringBuilder first2 = new StringBuilder(), first3 = new StringBuilder();
        StringBuilder first4 = new StringBuilder(), cont = new StringBuilder(), strict = new StringBuilder();
        String notStrict = " \u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026";
        for (SingleByte e : clueEncodings) {
            for (int b = 0x80; b < 0x100; b++) {
                char c = e.table()[b];
                if (b >= 0xC2 && b <= 0xDF) addClass(first2, c);
                else if (b >= 0xE0 && b <= 0xEF) addClass(first3, c);
                else if (b == 0xF0 || b == 0xF3) addClass(first4, c);
                else if (b <= 0xBF && !(c >= 0x80 && c <= 0xBF)) {
                    addClass(cont, c);
                    if (notStrict.indexOf(c) < 0) addClass(strict, c);
                }
            }
        }
        String contClass = "[\\x80-\\xbf " + cont + "]";
        String strictClass = "[\\x80-\\xbf" + strict + "]";
        UTF8_DETECTOR_RE = Pattern.compile("(?<!" + strictClass + ")(?:"
                + "[" + first2 + "]" + contClass
                + "|[" + first3 + "]" + contClass + "{2}"
                + "|[" + first4 + "]" + contClass + "{3})+");
    }

    private static void addClass(StringBuilder cls, char c) {
        String esc = String.format("\\x{%x}", (int) c);
        if (cls.indexOf(esc) < 0) cls.append(esc);
    }

    // ---- translation tables ----

    /** {@code LIGATURES}: Latin ligatures and legacy digraphs, split into their letters. */
    static String ligature(char c) {
        return switch (c) {
            case '\u0132' -> "IJ";
            case '\u0133' -> "ij";
            case '\u0149' -> "\u02bcn";
            case '\u01f1' -> "DZ";
            case '\u01f2' -> "Dz";
            case '\u01f3' -> "dz";
            case '\u01c4' -> "D\u017d";
            case '\u01c5' -> "D\u017e";
            case '\u01c6' -> "d\u017e";
            case '\u01c7' -> "LJ";
            case '\u01c8' -> "Lj";
            case '\u01c9' -> "lj";
            case '\u01ca' -> "NJ";
            case '\u01cb' -> "Nj";
            case '\u01cc' -> "nj";
            case '\ufb00' -> "ff";
            case '\ufb01' -> "fi";
            case '\ufb02' -> "fl";
            case '\ufb03' -> "ffi";
            case '\ufb04' -> "ffl";
            case '\ufb05' -> "\u017ft";
            case '\ufb06' -> "st";
            default -> null;
        };
    }

    /** {@code WIDTH_MAP}: U+3000 to a space, U+FF01..U+FFEF to their NFKC forms. */
    private static final String[] WIDTH_MAP = new String[0xFFF0 - 0xFF01];

    static {
        for (int c = 0xFF01; c < 0xFFF0; c++) {
            String s = String.valueOf((char) c);
            String alt = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC);
            if (!alt.equals(s)) WIDTH_MAP[c - 0xFF01] = alt;
        }
    }

    /** The standard-width form of {@code c}, or null when it has none. */
    static String width(char c) {
        if (c == 0x3000) return " ";
        if (c >= 0xFF01 && c < 0xFFF0) return WIDTH_MAP[c - 0xFF01];
        return null;
    }

    /** {@code CONTROL_CHARS}: characters {@code remove_control_chars} deletes. */
    static boolean isRemovedControl(char c) {
        return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    }
}
