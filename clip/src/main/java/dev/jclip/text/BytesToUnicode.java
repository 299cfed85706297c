package dev.jclip.text;

/**
 * The reversible byte to character table of openai/CLIP's {@code bytes_to_unicode()}: printable
 * Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves, the other 68 bytes to
 * U+0100 and up, in byte order. BPE tokens are strings over these 256 characters, so every
 * token is printable and none contains a space.
 *
 * <pre>{@code
 * char c = BytesToUnicode.charOf(' ');      // 'Ġ' (U+0120)
 * int b = BytesToUnicode.byteOf('Ġ');       // 32
 * }</pre>
 */
public final class BytesToUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Index: character (all table characters are below U+0144); value: byte, or -1. */
    private static final short[] CHAR_TO_BYTE = new short[0x144];
    /** The 256 characters in the reference's dict order (printable bytes first): vocabulary order. */
    private static final char[] VOCAB_ORDER = new char[256];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int k = 0;
        for (int b = 0; b < 256; b++) {
            if (printable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                VOCAB_ORDER[k++] = (char) b;
            }
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + n++);
                VOCAB_ORDER[k++] = BYTE_TO_CHAR[b];
            }
        }
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = (short) b;
    }

    private BytesToUnicode() {}

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character standing for byte {@code b} (0..255, or a signed Java byte). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a table character stands for, or -1 when {@code c} is not in the table. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The i-th character in the reference's vocabulary order (ids 0..255 and, with {@code </w>}, 256..511). */
    public static char vocabChar(int i) {
        return VOCAB_ORDER[i];
    }

    /** The byte-level form of UTF-8 bytes: one table character per byte. */
    public static String encode(byte[] utf8) {
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        return new String(out);
    }
}
