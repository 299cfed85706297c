package dev.jclip.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * ftfy 6.3.1's mojibake repair ({@code fix_encoding} and {@code _fix_encoding_one_step_and_explain}
 * with the default configuration): when {@link FtfyBadness#isBad} fires, re-encode the text in each
 * of ftfy's ten single-byte encodings that can represent it and decode the bytes as UTF-8 (after
 * {@code restore_byte_a0} and {@code replace_lossy_sequences}); otherwise fix embedded UTF-8
 * mojibake piecewise, or read C1 controls as Windows-1252. Repeats until nothing changes.
 *
 * <pre>{@code
 * FtfyEncoding.fixEncoding("cafÃ©");              // "café"
 * FtfyEncoding.fixEncoding("voilÃ le travail");   // "voilà le travail"
 * }</pre>
 */
final class FtfyEncoding {
    private FtfyEncoding() {}

    /** {@code ftfy.fix_encoding(text)}. */
    static String fixEncoding(String text) {
        while (true) {
            String prev = text;
            text = oneStep(text);
            if (text.equals(prev)) return text;
        }
    }

    private static boolean isAscii(String text) {
        for (int i = 0, n = text.length(); i < n; i++) if (text.charAt(i) >= 0x80) return false;
        return true;
    }

    static String oneStep(String text) {
        if (text.isEmpty() || isAscii(text) || !FtfyBadness.isBad(text)) return text;

        List<FtfyCharData.SingleByte> possible = new ArrayList<>();
        for (FtfyCharData.SingleByte enc : FtfyCharData.CHARMAP_ENCODINGS) {
            if (!enc.canEncode(text)) continue;
            possible.add(enc);
            String bytes = enc.encode(text);
            if (!enc.name().equals("macroman") && FtfyCharData.ALTERED_UTF8_RE.matcher(bytes).find()) {
                bytes = FtfyFixes.restoreByteA0(bytes);
            }
            if (enc.name().startsWith("sloppy")) bytes = FtfyFixes.replaceLossySequences(bytes);
            boolean variants = bytes.indexOf('\u00ed') >= 0 || bytes.indexOf('\u00c0') >= 0;
            String fixed = Utf8Codec.decodeStrict(bytes.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    variants);
            if (fixed != null) return fixed;
        }

        if (FtfyCharData.UTF8_DETECTOR_RE.matcher(text).find()) {
            String fixed = decodeInconsistentUtf8(text);
            if (!fixed.equals(text)) return fixed;
        }

        // ftfy asks whether "windows-1252" is among the possible encodings, but it only ever
        // records "sloppy-windows-1252", so that early return never happens: kept as in ftfy.
        if (possible.contains(FtfyCharData.LATIN_1)) {
            String asBytes = FtfyCharData.LATIN_1.encode(text);
            String fixed = strictWindows1252(asBytes);
            if (fixed != null && !fixed.equals(text)) return fixed;
        }

        if (FtfyCharData.C1_CONTROL_RE.matcher(text).find()) return FtfyFixes.fixC1Controls(text);
        return text;
    }

    /** {@code bytes.decode("windows-1252")} (strict: the five undefined bytes fail). */
    private static String strictWindows1252(String bytes) {
        char[] table = FtfyCharData.WINDOWS_1252.table();
        char[] out = new char[bytes.length()];
        for (int i = 0; i < out.length; i++) {
            char c = table[bytes.charAt(i)];
            if (c == '\uFFFD') return null;
            out[i] = c;
        }
        return new String(out);
    }

    /** {@code decode_inconsistent_utf8}: fix each UTF-8-looking run that is itself bad. */
    static String decodeInconsistentUtf8(String text) {
        int textLen = text.codePointCount(0, text.length());
        Matcher m = FtfyCharData.UTF8_DETECTOR_RE.matcher(text);
        return m.replaceAll(r -> {
            String sub = r.group();
            if (sub.codePointCount(0, sub.length()) < textLen && FtfyBadness.isBad(sub)) {
                return Matcher.quoteReplacement(fixEncoding(sub));
            }
            return Matcher.quoteReplacement(sub);
        });
    }
}
