package dev.jclip.embed;

import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.image.ImageDecoder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One image as a service receives it: a file, the encoded bytes of an upload, a stream, or a
 * {@link BufferedImage} already decoded by the caller. Decoding happens when the embedder asks
 * for it, on the embedder's thread, so a bad input fails its own call only
 * ({@link ImageDecodeException} naming the input and the reason).
 *
 * <pre>{@code
 * float[] v = embedder.embedImage(ImageInput.of(Path.of("cat.jpg")));
 * float[] w = embedder.embedImage(ImageInput.of(uploadBytes, "upload"));
 * float[] x = embedder.embedImage(ImageInput.of(bufferedImage));
 * }</pre>
 */
public sealed interface ImageInput {
    /** The name used in error messages and as the key of bulk outputs. */
    String name();

    /** Decodes the image (EXIF orientation applied for encoded files, as {@code decoder} does). */
    DecodedImage decode(ImageDecoder decoder);

    static ImageInput of(Path file) { return new FileInput(Objects.requireNonNull(file, "file")); }

    static ImageInput of(byte[] encoded, String name) { return new BytesInput(Objects.requireNonNull(encoded, "encoded"), name); }

    /** Reads the whole stream when decoded (the stream is not closed). */
    static ImageInput of(InputStream in, String name) { return new StreamInput(Objects.requireNonNull(in, "in"), name); }

    static ImageInput of(BufferedImage image) { return new Buffered(Objects.requireNonNull(image, "image"), "BufferedImage"); }

    /** An image file. */
    record FileInput(Path file) implements ImageInput {
        @Override public String name() { return file.toString(); }
        @Override public DecodedImage decode(ImageDecoder decoder) { return decoder.decode(file); }
    }

    /** The encoded bytes of an image file (JPEG, PNG, WebP...). */
    record BytesInput(byte[] bytes, String name) implements ImageInput {
        @Override public DecodedImage decode(ImageDecoder decoder) { return decoder.decode(bytes, name); }
    }

    /** A stream holding one encoded image file. */
    record StreamInput(InputStream in, String name) implements ImageInput {
        @Override public DecodedImage decode(ImageDecoder decoder) {
            try {
                return decoder.decode(in.readAllBytes(), name);
            } catch (IOException e) {
                throw new ImageDecodeException(name, "cannot read the stream (" + e.getMessage() + ")", e);
            }
        }
    }

    /** An image decoded by the caller. */
    record Buffered(BufferedImage image, String name) implements ImageInput {
        @Override public DecodedImage decode(ImageDecoder decoder) { return decoder.decode(image, name); }
    }
}
