package dev.jclip.image;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes PNG files with an exact IHDR colour type and bit depth (ImageIO's writer chooses its
 * own), so the decoder's PNG mode mapping can be tested on every kind Pillow distinguishes.
 */
final class TestPng {
    static final int GRAY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GRAY_ALPHA = 4;
    static final int RGBA = 6;

    private TestPng() {
    }

    /**
     * @param rows one array of samples per row (not packed; 16-bit samples as ints)
     * @param plte palette bytes (RGB triples) for colour type 3, else null
     * @param trns tRNS chunk payload or null
     */
    static byte[] encode(int width, int height, int colorType, int bitDepth, int[][] rows, byte[] plte, byte[] trns)
            throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int[] row : rows) {
            raw.write(0); // filter type None
            if (bitDepth < 8) {
                int acc = 0;
                int nbits = 0;
                for (int v : row) {
                    acc = (acc << bitDepth) | v;
                    nbits += bitDepth;
                    if (nbits == 8) {
                        raw.write(acc);
                        acc = 0;
                        nbits = 0;
                    }
                }
                if (nbits > 0) {
                    raw.write(acc << (8 - nbits));
                }
            } else {
                for (int v : row) {
                    if (bitDepth == 16) {
                        raw.write(v >> 8);
                    }
                    raw.write(v & 0xFF);
                }
            }
        }
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
            d.write(raw.toByteArray());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(bitDepth);
        h.write(colorType);
        h.write(0);
        h.write(0);
        h.write(0);
        chunk(out, "IHDR", ihdr.toByteArray());
        if (plte != null) {
            chunk(out, "PLTE", plte);
        }
        if (trns != null) {
            chunk(out, "tRNS", trns);
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
