package dev.jclip.data;

/**
 * Seeds for per-example random streams. {@code new java.util.Random(seed + i)} for consecutive
 * {@code i} gives strongly correlated first draws (the LCG barely mixes nearby seeds), so every
 * stream seed goes through SplitMix64's finalizer first.
 *
 * <pre>{@code
 * Random r = new Random(Seeds.mix(seed, index));
 * }</pre>
 */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed seed from {@code a} and {@code b}. */
    public static long mix(long a, long b) {
        return splitMix(splitMix(a) ^ (b * 0x9E3779B97F4A7C15L));
    }

    static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
