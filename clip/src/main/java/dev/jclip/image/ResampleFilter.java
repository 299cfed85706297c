package dev.jclip.image;

/**
 * Pillow's resampling filters ({@code PIL.Image.Resampling}), with the kernels and supports of
 * Pillow 9.4 {@code libImaging/Resample.c}. CLIP uses {@link #BICUBIC}.
 *
 * <pre>{@code
 * DecodedImage small = PillowResample.resize(img, 96, 64, ResampleFilter.BICUBIC);
 * }</pre>
 */
public enum ResampleFilter {
    /** Nearest neighbour, through Pillow's affine scale (not a convolution). */
    NEAREST(0.0),
    BOX(0.5),
    BILINEAR(1.0),
    HAMMING(1.0),
    /** Keys' cubic convolution with a = -0.5, antialiased when downscaling. */
    BICUBIC(2.0),
    LANCZOS(3.0);

    private final double support;

    ResampleFilter(double support) {
        this.support = support;
    }

    /** Half-width of the kernel at scale 1, in input pixels. */
    double support() {
        return support;
    }

    /** The kernel value at {@code x}; the same expressions as Resample.c so results match bit for bit. */
    double eval(double x) {
        switch (this) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR:
                if (x < 0.0) {
                    x = -x;
                }
                return x < 1.0 ? 1.0 - x : 0.0;
            case HAMMING:
                if (x < 0.0) {
                    x = -x;
                }
                if (x == 0.0) {
                    return 1.0;
                }
                if (x >= 1.0) {
                    return 0.0;
                }
                x = x * Math.PI;
                // 0.54f/0.46f are float literals in C: keep their float values
                return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x));
            case BICUBIC: {
                final double a = -0.5;
                if (x < 0.0) {
                    x = -x;
                }
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS:
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            default:
                throw new IllegalStateException("NEAREST is not a convolution filter");
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x;
    }
}
