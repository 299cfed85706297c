package dev.jclip.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This process's peak resident memory, resettable on Linux ({@code echo 5 > /proc/self/clear_refs}):
 * lets a test check that one call did not allocate what a crafted file declares. Elsewhere the
 * checks are skipped (returns -1).
 */
public final class PeakRss {
    private static final Path STATUS = Path.of("/proc/self/status"), CLEAR = Path.of("/proc/self/clear_refs");

    private PeakRss() {}

    /** Resets the peak to the current RSS; returns the current RSS in bytes, or -1 when unsupported. */
    public static long reset() {
        try {
            Files.writeString(CLEAR, "5");
            return field("VmRSS:");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Bytes the peak grew over {@code before} since {@link #reset()}, or -1 when unsupported. */
    public static long peakSince(long before) {
        if (before < 0) return -1;
        try {
            return field("VmHWM:") - before;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Asserts that the peak since {@link #reset()} grew less than {@code bound} bytes over {@code before}. */
    public static void assertGrowthBelow(long before, long bound, String what) {
        if (before < 0) return;
        long peak;
        try {
            peak = field("VmHWM:");
        } catch (IOException e) {
            return;
        }
        assertTrue(peak - before < bound, what + ": peak RSS grew by " + ((peak - before) >> 20) + " MiB (bound "
                + (bound >> 20) + " MiB)");
    }

    private static long field(String name) throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith(name)) return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
        }
        throw new IOException("no " + name);
    }
}
