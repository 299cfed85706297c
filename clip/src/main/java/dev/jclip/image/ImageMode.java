package dev.jclip.image;

/**
 * Pixel modes as Pillow names them ({@code Image.open(f).mode}).
 *
 * <p>The mode matters because the CLIP reference resizes an image <em>in its own mode</em>,
 * before converting it to RGB: palette and bilevel images are always resized with nearest
 * neighbour, RGBA/LA images are resized premultiplied, 16-bit grey ({@code I}) is resized in
 * floating point.
 *
 * <pre>{@code
 * DecodedImage img = ImageDecoder.decode(Path.of("cat.png"));
 * if (img.mode() == ImageMode.P) { ... }   // palette image: nearest-neighbour resize
 * }</pre>
 */
public enum ImageMode {
    /** Bilevel; stored one byte per pixel as 0 or 255, as Pillow does internally. */
    ONE("1", 1),
    /** 8-bit grey. */
    L("L", 1),
    /** 8-bit palette indices plus a 256-entry RGB palette. */
    P("P", 1),
    /** 8-bit grey + alpha, interleaved (L, A). */
    LA("LA", 2),
    /** 8-bit RGB, interleaved. */
    RGB("RGB", 3),
    /** 8-bit RGB + straight (not premultiplied) alpha, interleaved. */
    RGBA("RGBA", 4),
    /** 8-bit CMYK (not inverted: 0 = no ink), interleaved. */
    CMYK("CMYK", 4),
    /** 32-bit signed integer grey; Pillow's mode for 16-bit grey PNGs. */
    I("I", 1);

    private final String pilName;
    private final int bands;

    ImageMode(String pilName, int bands) {
        this.pilName = pilName;
        this.bands = bands;
    }

    /** The name Pillow reports, e.g. {@code "1"}, {@code "RGBA"}. */
    public String pilName() {
        return pilName;
    }

    /** Samples per pixel in {@link DecodedImage#pixels()} (or {@link DecodedImage#intPixels()} for I). */
    public int bands() {
        return bands;
    }

    /** Whether Pillow resizes this mode premultiplied ({@code RGBa}/{@code La}) for non-nearest filters. */
    public boolean hasAlpha() {
        return this == LA || this == RGBA;
    }

    /** Whether Pillow forces nearest-neighbour resampling for this mode whatever filter is asked for. */
    public boolean alwaysNearest() {
        return this == P || this == ONE;
    }
}
