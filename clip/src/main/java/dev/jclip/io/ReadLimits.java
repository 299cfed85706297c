package dev.jclip.io;

/**
 * The bounds every checkpoint reader applies before it allocates what a file declares, so that a
 * small crafted file cannot make jclip use gigabytes of memory or loop for minutes. Each is a
 * system property (read once, at first use) for the rare genuine file beyond it:
 *
 * <table>
 * <caption>limits</caption>
 * <tr><th>property</th><th>default</th><th>bounds</th></tr>
 * <tr><td>{@code jclip.maxPickleBytes}</td><td>64 MiB</td><td>a pickle entry ({@code data.pkl}); real ones are KiB to a few MiB</td></tr>
 * <tr><td>{@code jclip.maxPickleOps}</td><td>5,000,000</td><td>opcodes executed per pickle (each may create an object): ~250,000 tensors</td></tr>
 * <tr><td>{@code jclip.maxPickleDepth}</td><td>1,000</td><td>nesting of unpickled containers and module trees</td></tr>
 * <tr><td>{@code jclip.maxInflatedBytes}</td><td>512 MiB</td><td>bytes inflated from deflated zip entries per archive (PyTorch stores entries uncompressed)</td></tr>
 * </table>
 *
 * Other bounds are exact rather than configurable: every declared length is checked against what
 * remains of the file (zip sizes and offsets, pickle string/bytes/long lengths, tensor element
 * counts against their storage, safetensors offsets against the data section), and a deflated
 * entry may not claim more than deflate's maximum ratio (1032:1) of its compressed size.
 * The safetensors header is limited to 100 MB as in the reference implementation.
 *
 * <pre>{@code
 * java -Djclip.maxPickleBytes=268435456 ...   // allow a 256 MiB data.pkl
 * }</pre>
 */
public final class ReadLimits {
    private ReadLimits() {}

    /** Maximum bytes of one pickle entry. */
    public static final long MAX_PICKLE_BYTES = Long.getLong("jclip.maxPickleBytes", 64L << 20);
    /** Maximum opcodes executed while unpickling one entry. */
    public static final long MAX_PICKLE_OPS = Long.getLong("jclip.maxPickleOps", 5_000_000L);
    /** Maximum nesting depth of unpickled structures (and TorchScript module trees). */
    public static final int MAX_PICKLE_DEPTH = Integer.getInteger("jclip.maxPickleDepth", 1000);
    /** Maximum bytes inflated from deflated zip entries, per archive. */
    public static final long MAX_INFLATED_BYTES = Long.getLong("jclip.maxInflatedBytes", 512L << 20);
    /** Deflate cannot compress better than about 1032:1; a larger declared ratio is a lie. */
    static final long MAX_DEFLATE_RATIO = 1032;

    /** {@code n} bytes in binary units for messages ({@code 64 MiB}). */
    static String bytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) return (n >> 30) + " GiB";
        if (n >= 1L << 20 && n % (1L << 20) == 0) return (n >> 20) + " MiB";
        return String.format(java.util.Locale.ROOT, "%,d bytes", n);
    }
}
