package dev.jclip.eval;

import java.util.Arrays;

/**
 * A dense row-major float32 matrix of feature vectors ({@code rows x dim}): what the encoders
 * produce once copied off the device, and what probes and metrics consume.
 *
 * <pre>{@code
 * Features f = new Features(new float[]{1, 0, 0, 1}, 2, 2);
 * float[] second = f.row(1);        // {0, 1}
 * Features unit = f.normalized();   // every row L2-normalised
 * }</pre>
 */
public record Features(float[] data, int rows, int dim) {
    public Features {
        if (rows < 0 || dim < 0 || (long) rows * dim != data.length) {
            throw new IllegalArgumentException("features: " + data.length + " values do not form " + rows + " x " + dim);
        }
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
    }

    /** The rows listed in {@code index}, in that order. */
    public Features select(int[] index) {
        float[] out = new float[index.length * dim];
        for (int k = 0; k < index.length; k++) System.arraycopy(data, index[k] * dim, out, k * dim, dim);
        return new Features(out, index.length, dim);
    }

    /** This matrix with {@code other}'s rows appended. */
    public Features concat(Features other) {
        if (other.dim != dim) throw new IllegalArgumentException("cannot append " + other.dim + "-d rows to " + dim + "-d rows");
        float[] out = Arrays.copyOf(data, data.length + other.data.length);
        System.arraycopy(other.data, 0, out, data.length, other.data.length);
        return new Features(out, rows + other.rows, dim);
    }

    /** Every row divided by its L2 norm (rows of zeros stay zero, like {@code F.normalize} with eps). */
    public Features normalized() {
        float[] out = data.clone();
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) s += (double) out[i * dim + j] * out[i * dim + j];
            double inv = 1.0 / Math.max(Math.sqrt(s), 1e-12);
            for (int j = 0; j < dim; j++) out[i * dim + j] = (float) (out[i * dim + j] * inv);
        }
        return new Features(out, rows, dim);
    }

    /** {@code this @ other^T}: {@code [rows, other.rows]} dot products (cosine similarities for unit rows). */
    public float[] dotT(Features other) {
        if (other.dim != dim) throw new IllegalArgumentException("dot products of " + dim + "-d and " + other.dim + "-d rows");
        float[] out = new float[rows * other.rows];
        java.util.stream.IntStream.range(0, rows).parallel().forEach(i -> {
            for (int k = 0; k < other.rows; k++) {
                double s = 0;
                for (int j = 0; j < dim; j++) s += (double) data[i * dim + j] * other.data[k * dim + j];
                out[i * other.rows + k] = (float) s;
            }
        });
        return out;
    }
}
