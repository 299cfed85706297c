package dev.jclip.image;

/**
 * {@code Image.resize} of Pillow 9.4, bit for bit: a port of {@code libImaging/Resample.c}
 * (separable convolution, horizontal pass first, 22-bit fixed-point coefficients, rounding and
 * clipping to uint8 after each pass), of the nearest-neighbour affine scale of
 * {@code Geometry.c}, and of the mode rules in {@code PIL/Image.py}:
 * <ul>
 *   <li>same size: the image is returned as is (Pillow copies it);</li>
 *   <li>modes {@code P} and {@code 1}: always nearest neighbour, whatever filter is asked for;</li>
 *   <li>modes {@code RGBA}/{@code LA} with a convolution filter: premultiplied
 *       ({@code RGBa}/{@code La}), resized, then un-premultiplied (see {@link PillowConvert});</li>
 *   <li>mode {@code I}: double-precision coefficients, rounded half away from zero, no clipping.</li>
 * </ul>
 * {@code reducing_gap} is not used ({@code Image.resize} defaults to {@code None}, so no
 * {@code reduce()} pre-step happens).
 *
 * <pre>{@code
 * DecodedImage out = PillowResample.resize(img, 96, 64, ResampleFilter.BICUBIC);
 * }</pre>
 */
public final class PillowResample {
    /** 32 - 8 - 2: 8 bits of result, 2 bits of head-room for negative lobes and sums above 1. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowResample() {
    }

    /**
     * Resizes like {@code PIL.Image.Image.resize(size, filter)} with the default box and
     * {@code reducing_gap=None}.
     */
    public static DecodedImage resize(DecodedImage im, int width, int height, ResampleFilter filter) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
        ImageLimits.check(width, height, im.mode().bands(), "the resize target");
        if (im.width() == width && im.height() == height) {
            return im; // Pillow: self.copy(); instances are immutable, so sharing is a copy
        }
        ResampleFilter f = im.mode().alwaysNearest() ? ResampleFilter.NEAREST : filter;
        if (f == ResampleFilter.NEAREST) {
            return nearest(im, width, height);
        }
        if (im.mode().hasAlpha()) {
            DecodedImage pre = PillowConvert.premultiply(im);
            return PillowConvert.unpremultiply(resample(pre, width, height, f));
        }
        return resample(im, width, height, f);
    }

    /** Per output pixel: first input index, count and coefficients (row {@code i*ksize}). */
    record Coeffs(int ksize, int[] bounds, double[] kk) {
    }

    /** {@code precompute_coeffs} for the box {@code [in0, in1)} of an input of {@code inSize}. */
    static Coeffs precomputeCoeffs(int inSize, float in0, float in1, int outSize, ResampleFilter filter) {
        double scale = (double) (in1 - in0) / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support() * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        if ((long) outSize * ksize > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("resize from " + inSize + " to " + outSize + " needs too many coefficients");
        }
        double[] kk = new double[outSize * ksize];
        int[] bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5); // C truncation, as in Pillow
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            int k = xx * ksize;
            for (int x = 0; x < xmax; x++) {
                double w = filter.eval((x + xmin - center + 0.5) * ss);
                kk[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    kk[k + x] /= ww;
                }
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, kk);
    }

    /** {@code normalize_coeffs_8bpc}: doubles to 22-bit fixed point, rounded half away from zero. */
    static int[] normalizeCoeffs8bpc(double[] prekk) {
        int[] kk = new int[prekk.length];
        for (int i = 0; i < prekk.length; i++) {
            kk[i] = prekk[i] < 0
                    ? (int) (-0.5 + prekk[i] * (1 << PRECISION_BITS))
                    : (int) (0.5 + prekk[i] * (1 << PRECISION_BITS));
        }
        return kk;
    }

    /** {@code clip8}: drop the fraction bits, clamp to [0, 255]. */
    static int clip8(int in) {
        int v = in >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** {@code ImagingResampleInner}: horizontal pass over the rows the vertical pass needs, then vertical. */
    static DecodedImage resample(DecodedImage im, int xsize, int ysize, ResampleFilter filter) {
        int inW = im.width();
        int inH = im.height();
        boolean needHorizontal = xsize != inW;
        boolean needVertical = ysize != inH;
        Coeffs vert = precomputeCoeffs(inH, 0f, inH, ysize, filter);
        int[] boundsVert = vert.bounds().clone();
        int yboxFirst = boundsVert[0];
        int yboxLast = boundsVert[ysize * 2 - 2] + boundsVert[ysize * 2 - 1];
        DecodedImage cur = im;
        if (needHorizontal) {
            Coeffs horiz = precomputeCoeffs(inW, 0f, inW, xsize, filter);
            for (int i = 0; i < ysize; i++) {
                boundsVert[i * 2] -= yboxFirst;
            }
            cur = horizontal(cur, xsize, yboxFirst, yboxLast - yboxFirst, horiz);
        }
        if (needVertical) {
            cur = vertical(cur, ysize, new Coeffs(vert.ksize(), boundsVert, vert.kk()));
        }
        return cur;
    }

    private static DecodedImage horizontal(DecodedImage in, int outW, int offset, int outH, Coeffs c) {
        int inW = in.width();
        int ksize = c.ksize();
        int[] bounds = c.bounds();
        if (in.mode() == ImageMode.I) {
            int[] src = in.intPixels();
            int[] out = new int[outW * outH];
            double[] kk = c.kk();
            for (int yy = 0; yy < outH; yy++) {
                int row = (yy + offset) * inW;
                for (int xx = 0; xx < outW; xx++) {
                    int xmin = bounds[xx * 2];
                    int xmax = bounds[xx * 2 + 1];
                    double ss = 0.0;
                    for (int x = 0; x < xmax; x++) {
                        ss += src[row + x + xmin] * kk[xx * ksize + x];
                    }
                    out[yy * outW + xx] = roundUp(ss);
                }
            }
            return in.withPixels(outW, outH, null, out);
        }
        int b = in.mode().bands();
        byte[] src = in.pixels();
        byte[] out = new byte[outW * outH * b];
        int[] kk = normalizeCoeffs8bpc(c.kk());
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outH; yy++) {
            int row = (yy + offset) * inW * b;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = bounds[xx * 2];
                int xmax = bounds[xx * 2 + 1];
                int k0 = xx * ksize;
                for (int ch = 0; ch < b; ch++) {
                    int ss = half;
                    int p = row + xmin * b + ch;
                    for (int x = 0; x < xmax; x++, p += b) {
                        ss += (src[p] & 0xFF) * kk[k0 + x];
                    }
                    out[(yy * outW + xx) * b + ch] = (byte) clip8(ss);
                }
            }
        }
        return in.withPixels(outW, outH, out, null);
    }

    private static DecodedImage vertical(DecodedImage in, int outH, Coeffs c) {
        int w = in.width();
        int ksize = c.ksize();
        int[] bounds = c.bounds();
        if (in.mode() == ImageMode.I) {
            int[] src = in.intPixels();
            int[] out = new int[w * outH];
            double[] kk = c.kk();
            for (int yy = 0; yy < outH; yy++) {
                int ymin = bounds[yy * 2];
                int ymax = bounds[yy * 2 + 1];
                for (int xx = 0; xx < w; xx++) {
                    double ss = 0.0;
                    for (int y = 0; y < ymax; y++) {
                        ss += src[(y + ymin) * w + xx] * kk[yy * ksize + y];
                    }
                    out[yy * w + xx] = roundUp(ss);
                }
            }
            return in.withPixels(w, outH, null, out);
        }
        int b = in.mode().bands();
        int stride = w * b;
        byte[] src = in.pixels();
        byte[] out = new byte[stride * outH];
        int[] kk = normalizeCoeffs8bpc(c.kk());
        int half = 1 << (PRECISION_BITS - 1);
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2];
            int ymax = bounds[yy * 2 + 1];
            int k0 = yy * ksize;
            for (int i = 0; i < stride; i++) {
                int ss = half;
                int p = ymin * stride + i;
                for (int y = 0; y < ymax; y++, p += stride) {
                    ss += (src[p] & 0xFF) * kk[k0 + y];
                }
                out[yy * stride + i] = (byte) clip8(ss);
            }
        }
        return in.withPixels(w, outH, out, null);
    }

    /** {@code ROUND_UP}: half away from zero (0.5F is exact, so float vs double does not matter). */
    private static int roundUp(double f) {
        return (int) (f >= 0.0 ? f + 0.5 : f - 0.5);
    }

    /**
     * Nearest neighbour as Pillow's {@code ImagingScaleAffine}: source coordinates accumulated
     * step by step in double ({@code xo += a[0]}), then truncated. The accumulation is kept on
     * purpose: computing {@code (x + 0.5) * scale} directly can pick a different pixel.
     */
    static DecodedImage nearest(DecodedImage im, int xsize, int ysize) {
        int inW = im.width();
        int inH = im.height();
        double a0 = (double) ((float) inW - 0f) / xsize;
        double a4 = (double) ((float) inH - 0f) / ysize;
        int[] xintab = new int[xsize];
        boolean[] xin = new boolean[xsize];
        double xo = a0 * 0.5;
        for (int x = 0; x < xsize; x++) {
            int xi = coord(xo);
            if (xi >= 0 && xi < inW) {
                xintab[x] = xi;
                xin[x] = true;
            }
            xo += a0;
        }
        int b = im.mode().bands();
        byte[] src = im.pixels();
        int[] srcI = im.intPixels();
        byte[] out = src == null ? null : new byte[xsize * ysize * b];
        int[] outI = srcI == null ? null : new int[xsize * ysize];
        double yo = a4 * 0.5;
        for (int y = 0; y < ysize; y++) {
            int yi = coord(yo);
            if (yi >= 0 && yi < inH) { // rows outside stay 0, as Pillow's fill
                for (int x = 0; x < xsize; x++) {
                    if (!xin[x]) {
                        continue;
                    }
                    if (out != null) {
                        System.arraycopy(src, (yi * inW + xintab[x]) * b, out, (y * xsize + x) * b, b);
                    } else {
                        outI[y * xsize + x] = srcI[yi * inW + xintab[x]];
                    }
                }
            }
            yo += a4;
        }
        return im.withPixels(xsize, ysize, out, outI);
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }
}
