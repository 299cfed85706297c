package dev.jclip.text;

/**
 * UTF-8 decoding with CPython's exact semantics, which the JDK decoders do not promise:
 * {@code errors="replace"} puts one U+FFFD per maximal invalid subpart (what the reference's
 * {@code decode} relies on), strict decoding rejects surrogates and overlong forms, and ftfy's
 * {@code utf-8-variants} additionally accepts CESU-8 surrogate pairs and Java's {@code C0 80} NUL.
 *
 * <pre>{@code
 * Utf8Codec.decodeReplace(new byte[]{(byte) 0xE2, (byte) 0x82, 'a'});   // "\uFFFDa"
 * Utf8Codec.decodeStrict(new byte[]{(byte) 0xC3, (byte) 0xA9}, false); // "é"
 * }</pre>
 */
public final class Utf8Codec {
    private Utf8Codec() {}

    /** {@code bytes.decode("utf-8", errors="replace")}. */
    public static String decodeReplace(byte[] b) {
        return decode(b, 0, b.length, false, true);
    }

    /**
     * {@code bytes.decode("utf-8")} (or ftfy's {@code "utf-8-variants"} when {@code variants}),
     * or null where Python raises {@code UnicodeDecodeError}.
     */
    public static String decodeStrict(byte[] b, boolean variants) {
        return decode(b, 0, b.length, variants, false);
    }

    private static String decode(byte[] b, int from, int to, boolean variants, boolean replace) {
        StringBuilder sb = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            if (variants) {
                if (c == 0xC0 && i + 1 < to && (b[i + 1] & 0xFF) == 0x80) {
                    sb.append('\0');
                    i += 2;
                    continue;
                }
                if (c == 0xED && i + 5 < to && isCesu8Pair(b, i)) {
                    int cp = ((b[i + 1] & 0x0F) << 16) + ((b[i + 2] & 0x3F) << 10)
                            + ((b[i + 4] & 0x0F) << 6) + (b[i + 5] & 0x3F) + 0x10000;
                    sb.appendCodePoint(cp);
                    i += 6;
                    continue;
                }
            }
            int need, lo = 0x80, hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) need = 1;
            else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) lo = 0xA0;
                else if (c == 0xED) hi = 0x9F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) lo = 0x90;
                else if (c == 0xF4) hi = 0x8F;
            } else {
                if (!replace) return null;
                sb.append('\uFFFD');
                i++;
                continue;
            }
            // Count the valid prefix: the second byte has its own range, the others 80..BF.
            int ok = 0;
            int cp = c & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
            for (int k = 1; k <= need && i + k < to; k++) {
                int d = b[i + k] & 0xFF;
                boolean valid = k == 1 ? d >= lo && d <= hi : d >= 0x80 && d <= 0xBF;
                if (!valid) break;
                cp = (cp << 6) | (d & 0x3F);
                ok++;
            }
            if (ok == need) {
                sb.appendCodePoint(cp);
                i += need + 1;
            } else {
                if (!replace) return null;
                sb.append('\uFFFD'); // one replacement for the maximal valid prefix
                i += ok + 1;
            }
        }
        return sb.toString();
    }

    private static boolean isCesu8Pair(byte[] b, int i) {
        int b1 = b[i + 1] & 0xFF, b2 = b[i + 2] & 0xFF, b3 = b[i + 3] & 0xFF;
        int b4 = b[i + 4] & 0xFF, b5 = b[i + 5] & 0xFF;
        return b1 >= 0xA0 && b1 <= 0xAF && b2 >= 0x80 && b2 <= 0xBF && b3 == 0xED
                && b4 >= 0xB0 && b4 <= 0xBF && b5 >= 0x80 && b5 <= 0xBF;
    }
}
