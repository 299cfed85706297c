package dev.jclip.image;

import org.w3c.dom.Node;

import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;

/**
 * Maps what an ImageIO reader decodes to the mode and samples {@code PIL.Image.open} (Pillow
 * 9.4) gives for the same file.
 *
 * <ul>
 *   <li>PNG (from the IHDR colour type and bit depth, not from ImageIO's image type, which
 *       expands low bit depths and applies tRNS): grey 1-bit -> {@code 1}; grey 2/4/8-bit ->
 *       {@code L} (scaled by 85/17/1 as Pillow's unpackers); grey 16-bit -> {@code I} (raw
 *       value); palette -> {@code P} (raw indices + palette; tRNS ignored as
 *       {@code convert("RGB")} does); RGB/RGBA/LA 16-bit -> the high byte of each sample.</li>
 *   <li>JPEG: 1 component -> {@code L}, 3 -> {@code RGB}, 4 -> {@code CMYK}, stored inverted as
 *       Pillow assumes (Adobe convention), read raw without ImageIO's ICC colour management.</li>
 *   <li>GIF: {@code P}, or {@code L} when the palette is the identity grey ramp (Pillow 9.4).</li>
 *   <li>BMP with a colour table: {@code 1} for a black/white 2-entry table, {@code L} for an
 *       identity grey ramp, else {@code P}.</li>
 *   <li>Anything else (TIFF, WebP, BMP true colour): from the colour model: grey -> {@code L}
 *       /{@code LA}, RGB -> {@code RGB}/{@code RGBA}, CMYK -> {@code CMYK}, indexed -> {@code P}
 *       (or {@code 1}/{@code L} as above); samples wider than 8 bits keep their high byte;
 *       other colour spaces (YCbCr, Lab, premultiplied alpha) go through {@code getRGB}.</li>
 * </ul>
 * Palettes shorter than 256 entries are padded with the grey ramp {@code (i, i, i)}, which is
 * what Pillow's palette holds beyond the file's entries.
 */
final class PilModes {
    private PilModes() {
    }

    static DecodedImage read(ImageReader reader, String format, byte[] bytes) throws IOException {
        return switch (format) {
            case "png" -> readPng(reader);
            case "jpeg", "jpg" -> readJpeg(reader, bytes);
            default -> fromBufferedImage(reader.read(0), format);
        };
    }

    private static DecodedImage readPng(ImageReader reader) throws IOException {
        IIOMetadata md = reader.getImageMetadata(0);
        Node ihdr = md == null ? null : child(md.getAsTree("javax_imageio_png_1.0"), "IHDR");
        BufferedImage bi = reader.read(0);
        if (ihdr == null) {
            return fromBufferedImage(bi, "png");
        }
        String colorType = attr(ihdr, "colorType");
        int depth = Integer.parseInt(attr(ihdr, "bitDepth"));
        Raster r = bi.getRaster();
        int w = bi.getWidth();
        int h = bi.getHeight();
        int rasterBits = r.getSampleModel().getSampleSize(0);
        return switch (colorType) {
            case "Palette" -> DecodedImage.ofPalette(w, h, samples(r, 1, 0),
                    palette((IndexColorModel) bi.getColorModel(), paletteEntries(md, (IndexColorModel) bi.getColorModel())));
            case "Grayscale" -> {
                if (depth == 16) {
                    yield DecodedImage.ofInt(w, h, r.getSamples(0, 0, w, h, 0, (int[]) null));
                }
                // ImageIO keeps 1/2/4-bit grey as raw levels unless tRNS made it expand to 8 bits
                int levels = rasterBits == depth ? (1 << depth) - 1 : 255;
                if (depth == 1) {
                    yield DecodedImage.of8(ImageMode.ONE, w, h, scaled(r, 1, levels, 255));
                }
                yield DecodedImage.of8(ImageMode.L, w, h, scaled(r, 1, levels, 255));
            }
            case "GrayAlpha" -> DecodedImage.of8(ImageMode.LA, w, h, highBytes(r, 2, rasterBits));
            case "RGB" -> DecodedImage.of8(ImageMode.RGB, w, h, highBytes(r, 3, rasterBits));
            case "RGBAlpha" -> DecodedImage.of8(ImageMode.RGBA, w, h, highBytes(r, 4, rasterBits));
            default -> fromBufferedImage(bi, "png");
        };
    }

    private static DecodedImage readJpeg(ImageReader reader, byte[] bytes) throws IOException {
        JpegHeader header = JpegHeader.parse(bytes);
        if (header != null && header.components() == 4 && reader.canReadRaster()) {
            // libjpeg (hence Pillow) decodes 4 components as CMYK, or YCCK with Adobe transform 2;
            // the raw raster avoids ImageIO's ICC colour management
            Raster r = reader.readRaster(0, null);
            byte[] px = highBytes(r, 4, r.getSampleModel().getSampleSize(0));
            if (header.adobeTransform() == 2) {
                JpegHeader.ycckToPillowCmyk(px);
            } else {
                for (int i = 0; i < px.length; i++) {
                    px[i] = (byte) ~px[i]; // Pillow's "CMYK;I" raw mode: Adobe stores CMYK inverted
                }
            }
            return DecodedImage.of8(ImageMode.CMYK, r.getWidth(), r.getHeight(), px);
        }
        return fromBufferedImage(reader.read(0), "jpeg");
    }

    static DecodedImage fromBufferedImage(BufferedImage bi, String format) {
        return fromBufferedImage(bi, format, true);
    }

    /**
     * {@code owned}: the image was decoded here and is dropped afterwards, so its raster array may
     * be adopted (and reordered) instead of copied; false for a caller's BufferedImage.
     */
    static DecodedImage fromBufferedImage(BufferedImage bi, String format, boolean owned) {
        int w = bi.getWidth();
        int h = bi.getHeight();
        ColorModel cm = bi.getColorModel();
        Raster r = bi.getRaster();
        if (cm instanceof IndexColorModel icm) {
            return fromIndexed(icm, r, w, h, format, owned);
        }
        int csType = cm.getColorSpace().getType();
        int bands = r.getNumBands();
        boolean plain = !cm.isAlphaPremultiplied() && bands == cm.getNumComponents()
                && r.getTransferType() != java.awt.image.DataBuffer.TYPE_FLOAT
                && r.getTransferType() != java.awt.image.DataBuffer.TYPE_DOUBLE;
        if (plain && csType == ColorSpace.TYPE_GRAY && bands <= 2) {
            return DecodedImage.of8(bands == 2 ? ImageMode.LA : ImageMode.L, w, h, toBytes(r, cm, bands, owned));
        }
        if (plain && csType == ColorSpace.TYPE_RGB && (bands == 3 || bands == 4)) {
            return DecodedImage.of8(bands == 4 ? ImageMode.RGBA : ImageMode.RGB, w, h, toBytes(r, cm, bands, owned));
        }
        if (plain && csType == ColorSpace.TYPE_CMYK && bands == 4) {
            return DecodedImage.of8(ImageMode.CMYK, w, h, toBytes(r, cm, 4, owned));
        }
        // anything else: let Java convert to sRGB (drops Pillow-exactness, keeps the pixels usable)
        boolean alpha = cm.hasAlpha();
        int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
        int b = alpha ? 4 : 3;
        byte[] px = new byte[w * h * b];
        for (int i = 0; i < argb.length; i++) {
            px[i * b] = (byte) (argb[i] >> 16);
            px[i * b + 1] = (byte) (argb[i] >> 8);
            px[i * b + 2] = (byte) argb[i];
            if (alpha) {
                px[i * b + 3] = (byte) (argb[i] >>> 24);
            }
        }
        return DecodedImage.of8(alpha ? ImageMode.RGBA : ImageMode.RGB, w, h, px);
    }

    private static DecodedImage fromIndexed(IndexColorModel icm, Raster r, int w, int h, String format, boolean owned) {
        int n = icm.getMapSize();
        byte[] idx = samples(r, 1, 0, owned);
        byte[] pal = palette(icm);
        boolean blackWhite = n == 2 && isGrey(pal, 0, 0) && isGrey(pal, 1, 255);
        boolean identityRamp = true;
        for (int i = 0; i < n && identityRamp; i++) {
            identityRamp = isGrey(pal, i, i);
        }
        if (format.equals("gif")) {
            return identityRamp ? DecodedImage.of8(ImageMode.L, w, h, idx) : DecodedImage.ofPalette(w, h, idx, pal);
        }
        if (blackWhite) {
            byte[] bits = new byte[idx.length];
            for (int i = 0; i < idx.length; i++) {
                bits[i] = idx[i] != 0 ? (byte) 255 : 0;
            }
            return DecodedImage.of8(ImageMode.ONE, w, h, bits);
        }
        if (identityRamp) {
            return DecodedImage.of8(ImageMode.L, w, h, idx);
        }
        return DecodedImage.ofPalette(w, h, idx, pal);
    }

    private static boolean isGrey(byte[] pal, int i, int v) {
        return (pal[i * 3] & 0xFF) == v && (pal[i * 3 + 1] & 0xFF) == v && (pal[i * 3 + 2] & 0xFF) == v;
    }

    /** Entries in the PNG's PLTE chunk (ImageIO pads its colour model to 2^depth with black). */
    private static int paletteEntries(IIOMetadata md, IndexColorModel icm) {
        Node plte = child(md.getAsTree("javax_imageio_png_1.0"), "PLTE");
        int n = 0;
        if (plte != null) {
            for (Node e = plte.getFirstChild(); e != null; e = e.getNextSibling()) {
                n++;
            }
        }
        return n > 0 ? Math.min(n, icm.getMapSize()) : icm.getMapSize();
    }

    /** 768-byte RGB palette: the model's entries, then Pillow's default grey ramp. */
    static byte[] palette(IndexColorModel icm) {
        return palette(icm, icm.getMapSize());
    }

    private static byte[] palette(IndexColorModel icm, int entries) {
        byte[] pal = new byte[3 * DecodedImage.PALETTE_ENTRIES];
        for (int i = 0; i < DecodedImage.PALETTE_ENTRIES; i++) {
            boolean defined = i < entries;
            pal[i * 3] = (byte) (defined ? icm.getRed(i) : i);
            pal[i * 3 + 1] = (byte) (defined ? icm.getGreen(i) : i);
            pal[i * 3 + 2] = (byte) (defined ? icm.getBlue(i) : i);
        }
        return pal;
    }

    /** The first {@code bands} bands, interleaved, each sample truncated to a byte after a right shift. */
    private static byte[] samples(Raster r, int bands, int shift) {
        return samples(r, bands, shift, true);
    }

    private static byte[] samples(Raster r, int bands, int shift, boolean owned) {
        if (shift == 0 && owned) {
            byte[] own = adoptInterleaved(r, bands);
            if (own != null) return own;
        }
        int w = r.getWidth();
        int h = r.getHeight();
        byte[] out = new byte[w * h * bands];
        int[] row = new int[w];
        for (int b = 0; b < bands; b++) {
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, b, row);
                for (int x = 0; x < w; x++) {
                    out[(y * w + x) * bands + b] = (byte) (row[x] >> shift);
                }
            }
        }
        return out;
    }

    /**
     * The decoder's own byte array when the raster already is Pillow's layout (8-bit samples,
     * pixel-interleaved, rows back to back, bands in order; BGR(A)-ordered rasters, as JPEG gives,
     * are reordered in place): a large image is then held once, not twice. The raster belongs to
     * a BufferedImage that is dropped right after, so taking its array is safe. Null otherwise.
     */
    private static byte[] adoptInterleaved(Raster r, int bands) {
        if (r.getNumBands() != bands || r.getMinX() != 0 || r.getMinY() != 0 || r.getParent() != null
                || r.getSampleModelTranslateX() != 0 || r.getSampleModelTranslateY() != 0) return null;
        if (!(r.getDataBuffer() instanceof java.awt.image.DataBufferByte db) || db.getNumBanks() != 1 || db.getOffset() != 0) return null;
        if (!(r.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm)) return null;
        long w = r.getWidth(), h = r.getHeight();
        byte[] data = db.getData();
        if (sm.getPixelStride() != bands || sm.getScanlineStride() != w * bands || data.length != w * h * bands) return null;
        int[] off = sm.getBandOffsets();
        boolean inOrder = true, reversed = bands >= 3;
        for (int b = 0; b < bands; b++) {
            inOrder &= off[b] == b;
            reversed &= bands == 3 ? off[b] == 2 - b : b < 3 ? off[b] == 3 - b : off[b] == 0; // BGR or ABGR
        }
        if (inOrder) return data;
        if (!reversed) return null;
        if (bands == 3) {
            for (int i = 0; i < data.length; i += 3) { byte t = data[i]; data[i] = data[i + 2]; data[i + 2] = t; }
        } else { // ABGR -> RGBA
            for (int i = 0; i < data.length; i += 4) {
                byte a = data[i], bl = data[i + 1], g = data[i + 2], rd = data[i + 3];
                data[i] = rd; data[i + 1] = g; data[i + 2] = bl; data[i + 3] = a;
            }
        }
        return data;
    }

    /** High byte of each sample (Pillow's ";16B" unpackers keep the most significant byte). */
    private static byte[] highBytes(Raster r, int bands, int bits) {
        return samples(r, bands, Math.max(0, bits - 8));
    }

    /** Samples of {@code levels + 1} possible values mapped to {@code 0..maxOut}. */
    private static byte[] scaled(Raster r, int bands, int levels, int maxOut) {
        byte[] raw = samples(r, bands, 0);
        if (levels == maxOut) {
            return raw;
        }
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) ((raw[i] & 0xFF) * maxOut / levels);
        }
        return raw;
    }

    /** Per band: 8-bit as is, wider kept by high byte, narrower (packed 565 etc.) scaled to 0..255. */
    private static byte[] toBytes(Raster r, ColorModel cm, int bands, boolean owned) {
        boolean eightBit = owned;
        for (int b = 0; b < bands; b++) eightBit &= cm.getComponentSize(b) == 8;
        if (eightBit) {
            byte[] own = adoptInterleaved(r, bands);
            if (own != null) return own;
        }
        int w = r.getWidth();
        int h = r.getHeight();
        byte[] out = new byte[w * h * bands];
        int[] row = new int[w];
        for (int b = 0; b < bands; b++) {
            int bits = cm.getComponentSize(b);
            int max = (1 << bits) - 1;
            for (int y = 0; y < h; y++) {
                r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, b, row);
                for (int x = 0; x < w; x++) {
                    int v = row[x];
                    int o = bits == 8 ? v : bits > 8 ? v >> (bits - 8) : (v * 255 + max / 2) / max;
                    out[(y * w + x) * bands + b] = (byte) o;
                }
            }
        }
        return out;
    }

    private static Node child(Node root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static String attr(Node n, String name) {
        Node a = n.getAttributes().getNamedItem(name);
        return a == null ? "" : a.getNodeValue();
    }
}
