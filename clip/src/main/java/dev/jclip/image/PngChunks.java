package dev.jclip.image;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Pillow's PNG checksum rule, which the JDK's PNG reader does not apply: while opening, Pillow
 * verifies the CRC of every chunk before the first {@code IDAT} ({@code IHDR}, {@code PLTE},
 * {@code tRNS}, {@code gAMA}, ...) and refuses the file on a mismatch ("broken PNG file"); the
 * image data chunks and those after them are not checked. jclip refuses the same files.
 */
final class PngChunks {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngChunks() {}

    /** Throws {@link ImageDecodeException} naming the chunk and offset of the first bad CRC before image data. */
    static void checkCrcs(byte[] png, String name) {
        if (png.length < 8) return;
        for (int i = 0; i < 8; i++) if (png[i] != SIGNATURE[i]) return;
        int p = 8;
        while (p + 12 <= png.length) {
            long len = readU32(png, p);
            String type = new String(png, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IDAT") || type.equals("IEND")) return;
            if (len > png.length - p - 12L) return; // truncated: the decoder reports it
            CRC32 crc = new CRC32();
            crc.update(png, p + 4, 4 + (int) len);
            long stored = readU32(png, p + 8 + (int) len);
            if (crc.getValue() != stored) {
                throw new ImageDecodeException(name, "broken PNG file: bad CRC in the " + printable(type) + " chunk at byte " + p);
            }
            p += 12 + (int) len;
        }
    }

    private static long readU32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 0x21 && c < 0x7f) ? type : "unnamed";
    }
}
