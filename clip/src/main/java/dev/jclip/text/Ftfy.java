package dev.jclip.text;

import java.text.Normalizer;

/**
 * A port of {@code ftfy.fix_text} (ftfy 6.3.1, default {@code TextFixerConfig}), which
 * openai/CLIP's tokenizer runs on every text first. Works line by line ({@code \n} included in
 * its line); HTML unescaping is switched off for the rest of the text from the first line that
 * contains {@code <}. Per line, until nothing changes: {@code unescape_html},
 * {@code fix_encoding} (mojibake), {@code fix_c1_controls}, {@code fix_latin_ligatures},
 * {@code fix_character_width}, {@code uncurl_quotes}, {@code fix_line_breaks},
 * {@code fix_surrogates}, {@code remove_terminal_escapes}, {@code remove_control_chars}, NFC.
 *
 * <pre>{@code
 * Ftfy.fixText("“Don’t” ﬁx cafÃ©");   // "\"Don't\" fix café"
 * }</pre>
 */
public final class Ftfy {
    private Ftfy() {}

    /** ftfy's {@code max_decode_length}: longer lines are fixed in pieces of this many chars. */
    private static final int MAX_DECODE_LENGTH = 1_000_000;

    /** {@code ftfy.fix_text(text)} with ftfy's defaults. */
    public static String fixText(String text) {
        StringBuilder out = null;
        boolean unescape = true;
        int pos = 0, n = text.length();
        while (pos < n) {
            int brk = text.indexOf('\n', pos) + 1;
            if (brk == 0) brk = n;
            if (brk - pos > MAX_DECODE_LENGTH) {
                brk = pos + MAX_DECODE_LENGTH;
                if (Character.isLowSurrogate(text.charAt(brk))) brk--; // keep pairs whole
            }
            String segment = text.substring(pos, brk);
            if (unescape && segment.indexOf('<') >= 0) unescape = false;
            String fixed = fixSegment(segment, unescape);
            if (pos == 0 && brk == n) return fixed;
            if (out == null) out = new StringBuilder(n);
            out.append(fixed);
            pos = brk;
        }
        return out == null ? text : out.toString();
    }

    /** {@code fix_and_explain(segment)} without the explanation. */
    static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String orig = text;
            if (unescapeHtml) text = FtfyFixes.unescapeHtml(text);
            text = FtfyEncoding.fixEncoding(text);
            text = FtfyFixes.fixC1Controls(text);
            text = FtfyFixes.fixLatinLigatures(text);
            text = FtfyFixes.fixCharacterWidth(text);
            text = FtfyFixes.uncurlQuotes(text);
            text = FtfyFixes.fixLineBreaks(text);
            text = FtfyFixes.fixSurrogates(text);
            text = FtfyFixes.removeTerminalEscapes(text);
            text = FtfyFixes.removeControlChars(text);
            if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
                text = Normalizer.normalize(text, Normalizer.Form.NFC);
            }
            if (text.equals(orig)) return text;
        }
    }

    /**
     * True when {@link #fixText} certainly returns {@code text} unchanged: printable ASCII plus
     * tab, LF and FF, without {@code &} (no entity) and {@code ESC}. CR is excluded because ftfy
     * turns it into LF.
     */
    static boolean isTriviallyClean(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 ? (c >= 0x7F || c == '&') : (c != '\t' && c != '\n' && c != '\f')) return false;
        }
        return true;
    }
}
