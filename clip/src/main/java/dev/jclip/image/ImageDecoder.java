package dev.jclip.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads JPEG, PNG, GIF, BMP, WebP and TIFF files into a {@link DecodedImage} that keeps the
 * mode {@code PIL.Image.open} would report ({@code 1, L, P, LA, RGB, RGBA, CMYK, I}), so that
 * the CLIP preprocessing can resize in the image's own mode as the reference does.
 *
 * <p>Decoding uses {@code javax.imageio} with the TwelveMonkeys plug-ins (WebP, TIFF, CMYK JPEG,
 * more BMP variants); the mode mapping is in {@link PilModes}. EXIF orientation (read with
 * metadata-extractor) is applied by default, as the issue asks; the reference
 * ({@code Image.open} without {@code ImageOps.exif_transpose}) does not apply it, so
 * {@link #withExifOrientation(boolean) withExifOrientation(false)} gives reference behaviour.
 *
 * <p>Errors: a missing, unreadable, empty, truncated or non-image file raises
 * {@link ImageDecodeException} naming the file and the reason. A JPEG whose data ends early is an
 * error (Pillow raises "image file is truncated"), although the JDK decoder would only warn and
 * fill the rest with grey.
 *
 * <pre>{@code
 * DecodedImage img = ImageDecoder.defaults().decode(Path.of("photo.jpg"));
 * DecodedImage asReference = ImageDecoder.defaults().withExifOrientation(false).decode(path);
 * }</pre>
 */
public final class ImageDecoder {
    private static final ImageDecoder DEFAULTS = new ImageDecoder(true);

    static {
        ImageIO.scanForPlugins(); // TwelveMonkeys readers registered even under unusual class loaders
        ImageIO.setUseCache(false); // no temp files: everything is decoded from memory
    }

    private final boolean exifOrientation;

    private ImageDecoder(boolean exifOrientation) {
        this.exifOrientation = exifOrientation;
    }

    /** A decoder that applies EXIF orientation. */
    public static ImageDecoder defaults() {
        return DEFAULTS;
    }

    /** A decoder that applies EXIF orientation or not (false = what {@code PIL.Image.open} gives). */
    public ImageDecoder withExifOrientation(boolean apply) {
        return apply == exifOrientation ? this : new ImageDecoder(apply);
    }

    public boolean appliesExifOrientation() {
        return exifOrientation;
    }

    /** Decodes a file. */
    public DecodedImage decode(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException(file.toString(), "no such file", e);
        } catch (IOException | SecurityException e) {
            throw new ImageDecodeException(file.toString(), "cannot read the file (" + (e instanceof java.nio.file.AccessDeniedException
                    ? "permission denied" : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : String.valueOf(e.getMessage())) + ")", e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes a whole stream; {@code name} is used in error messages. The stream is not closed. */
    public DecodedImage decode(InputStream in, String name) {
        try {
            return decode(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new ImageDecodeException(name, "cannot read the stream (" + e + ")", e);
        }
    }

    /** Decodes the encoded bytes of one image file; {@code name} is used in error messages. */
    public DecodedImage decode(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new ImageDecodeException(name, "the file is empty");
        }
        DecodedImage image;
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, "not a recognised image format (first bytes "
                        + hexPrefix(bytes) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, false);
                String fmt = reader.getFormatName().toLowerCase(Locale.ROOT);
                // The header's size is checked before a pixel is decoded (decompression bombs).
                try {
                    int w = reader.getWidth(0), h = reader.getHeight(0);
                    ImageLimits.check(w, h, 4, "the " + fmt + " image");
                    ImageLimits.checkDecodedBytes(w, h, decodedBytesPerPixel(reader), "the " + fmt + " image");
                } catch (IllegalArgumentException tooLarge) {
                    throw new ImageDecodeException(name, tooLarge.getMessage());
                }
                if (fmt.equals("png")) PngChunks.checkCrcs(bytes, name);
                List<String> fatal = new ArrayList<>();
                reader.addIIOReadWarningListener(truncationListener(fatal));
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                image = PilModes.read(reader, format, bytes);
                if (!fatal.isEmpty()) {
                    throw new ImageDecodeException(name, "truncated or corrupt " + format + " data ("
                            + String.join("; ", fatal) + ")");
                }
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IIOException e) {
            throw new ImageDecodeException(name, "corrupt or truncated image data (" + rootMessage(e) + ")", e);
        } catch (IOException e) {
            throw new ImageDecodeException(name, "I/O error while decoding (" + rootMessage(e) + ")", e);
        } catch (RuntimeException e) {
            // decoders signal broken data with assorted unchecked exceptions (index out of bounds,
            // negative array size...): report them as a bad file, not as a crash
            throw new ImageDecodeException(name, "corrupt image data (" + e + ")", e);
        }
        if (exifOrientation) {
            image = ExifOrientation.apply(image, readOrientation(bytes));
        }
        return image;
    }

    /**
     * About how many bytes a pixel costs while decoding: the raster the reader will allocate
     * (its default destination type), plus, when that raster is not 8-bit interleaved (which
     * {@link PilModes} adopts without a copy), jclip's copy and a possible ARGB conversion.
     */
    static long decodedBytesPerPixel(ImageReader reader) {
        java.awt.image.SampleModel sm = null;
        try {
            Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (types != null && types.hasNext()) sm = types.next().getSampleModel();
        } catch (IOException | RuntimeException unknown) {
            // fall back to a conservative guess below
        }
        if (sm == null) return 4 + 8;
        int elementBytes = Math.max(1, java.awt.image.DataBuffer.getDataTypeSize(sm.getDataType()) / 8);
        long raster = sm instanceof java.awt.image.ComponentSampleModel c ? (long) c.getNumBands() * elementBytes
                : sm instanceof java.awt.image.MultiPixelPackedSampleModel ? 1 : elementBytes;
        boolean adoptable = sm instanceof java.awt.image.PixelInterleavedSampleModel && sm.getDataType() == java.awt.image.DataBuffer.TYPE_BYTE;
        return raster + (adoptable ? 0 : 8);
    }

    /**
     * Converts an image already in memory (e.g. from a service's own decoder) in the mode Pillow
     * would give it (RGB, RGBA, L, P...); no EXIF orientation is applied (there is no metadata).
     */
    public DecodedImage decode(java.awt.image.BufferedImage image, String name) {
        try {
            return PilModes.fromBufferedImage(image, "bufferedimage", false); // the caller's image: copied, never adopted
        } catch (RuntimeException e) {
            throw new ImageDecodeException(name, "unsupported BufferedImage (" + e + ")", e);
        }
    }

    /**
     * Width and height from the file's header without decoding the pixels (to refuse huge images
     * before allocating them); {@link ImageDecodeException} when the format is not recognised.
     */
    public static int[] probeSize(byte[] bytes, String name) {
        if (bytes.length == 0) throw new ImageDecodeException(name, "the file is empty");
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, "not a recognised image format (first bytes " + hexPrefix(bytes) + ")");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(name, "corrupt image header (" + rootMessage(e) + ")", e);
        }
    }

    /** EXIF orientation tag, or 1 where there is none or the metadata cannot be parsed. */
    static int readOrientation(byte[] bytes) {
        try {
            Metadata md = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            for (ExifIFD0Directory dir : md.getDirectoriesOfType(ExifIFD0Directory.class)) {
                Integer o = dir.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
                if (o != null) {
                    return o;
                }
            }
        } catch (Exception e) {
            // unreadable metadata on a decodable image: Pillow would not transpose either
        }
        return 1;
    }

    private static IIOReadWarningListener truncationListener(List<String> fatal) {
        return (source, warning) -> {
            String w = warning.toLowerCase(Locale.ROOT);
            // libjpeg's "Corrupt JPEG data: extraneous bytes" is only a warning in Pillow too
            if (w.contains("premature end") || w.contains("truncat")) {
                fatal.add(warning);
            }
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        String top = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return t == e ? m : top + ": " + m;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
