package dev.jclip.image;

/**
 * The two facts about a JPEG that decide Pillow's mode and libjpeg's colour handling: the
 * number of components in the frame header (SOFn) and the Adobe APP14 transform flag
 * (0 = none/CMYK, 1 = YCbCr, 2 = YCCK; -1 = no Adobe segment). Parsed from the marker
 * segments directly because ImageIO plug-ins guess differently from libjpeg (TwelveMonkeys
 * reports a 4-component JPEG without Adobe segment as RGBA; libjpeg and Pillow take it as CMYK).
 */
record JpegHeader(int components, int adobeTransform) {

    /** Parses the markers before the first scan; {@code null} if the bytes are not a JPEG stream. */
    static JpegHeader parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return null;
        }
        int components = -1;
        int adobe = -1;
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return components < 0 ? null : new JpegHeader(components, adobe);
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                i += 2;
                continue;
            }
            int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            int body = i + 4;
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof && body + 5 < b.length) {
                components = b[body + 5] & 0xFF;
            } else if (marker == 0xEE && len >= 14 && body + 11 < b.length
                    && b[body] == 'A' && b[body + 1] == 'd' && b[body + 2] == 'o' && b[body + 3] == 'b' && b[body + 4] == 'e') {
                adobe = b[body + 11] & 0xFF;
            } else if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            i += 2 + len;
        }
        return components < 0 ? null : new JpegHeader(components, adobe);
    }

    /**
     * libjpeg's {@code ycck_cmyk_convert} (jdcolor.c, 16-bit fixed point tables) followed by
     * Pillow's {@code CMYK;I} inversion: turns raw Y, Cb, Cr, K samples into Pillow's CMYK.
     */
    static void ycckToPillowCmyk(byte[] px) {
        final int scalebits = 16;
        final int half = 1 << (scalebits - 1);
        for (int p = 0; p < px.length; p += 4) {
            int y = px[p] & 0xFF;
            int cb = (px[p + 1] & 0xFF) - 128;
            int cr = (px[p + 2] & 0xFF) - 128;
            int r = y + ((fix(1.40200) * cr + half) >> scalebits);
            int g = y + ((-fix(0.34414) * cb + half - fix(0.71414) * cr) >> scalebits);
            int bl = y + ((fix(1.77200) * cb + half) >> scalebits);
            // libjpeg stores 255 - colour (inverted CMY); Pillow inverts again: c = clamp(colour)
            px[p] = (byte) (255 - clamp(255 - r));
            px[p + 1] = (byte) (255 - clamp(255 - g));
            px[p + 2] = (byte) (255 - clamp(255 - bl));
            px[p + 3] = (byte) (255 - (px[p + 3] & 0xFF));
        }
    }

    private static int fix(double x) {
        return (int) (x * (1 << 16) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
