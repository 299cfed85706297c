package dev.jclip.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A seeded mutation fuzzer for the file readers (no coverage guidance; Jazzer is not on the
 * build's Maven mirror): each round takes a seed file, applies one to four mutations that crafted
 * files use (flipped bits, interesting integers written over 1/2/4/8-byte little- and big-endian
 * fields such as lengths, sizes and offsets, deleted, duplicated and spliced chunks, truncation)
 * and runs a target on the result. A run's outcome must be a success or an exception the target
 * declares as a clean refusal; anything else (another exception type, an Error such as
 * OutOfMemoryError or StackOverflowError, a refusal message that is not one line, a slow input)
 * is a crash, kept once per (type, first frame). The seed of the random generator is fixed, so
 * a run is reproducible; {@code jclip.fuzz.seconds} sets the budget per target.
 *
 * <pre>{@code
 * MutationFuzzer.Report r = new MutationFuzzer(seeds, 42).run(2.0, bytes -> parse(bytes), e -> e instanceof CheckpointException);
 * }</pre>
 */
final class MutationFuzzer {
    /** What one target run gave: executions, refusals, unique crashes (with one input each). */
    record Report(String target, long executions, long refused, Map<String, byte[]> crashes, long slowestMillis,
                  long maxInputRss, byte[] maxRssInput, long processPeakRss) {
        String line() {
            return String.format(java.util.Locale.ROOT, "%-22s %,10d executions  %,10d refused  %d unique crashes  slowest %d ms%s",
                    target, executions, refused, crashes.size(), slowestMillis,
                    maxInputRss >= 0 ? "  largest one-input RSS growth " + (maxInputRss >> 20) + " MiB, process peak RSS "
                            + (processPeakRss >> 20) + " MiB" : "");
        }
    }

    /** A target: consumes one input; throws to refuse it. */
    @FunctionalInterface
    interface Target {
        void run(byte[] input) throws Exception;
    }

    private static final long[] INTERESTING = {0, 1, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffffffffL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 46, 22, 30};

    private final List<byte[]> seeds;
    private final SplittableRandom rnd;

    MutationFuzzer(List<byte[]> seeds, long seed) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("no seeds");
        this.seeds = seeds;
        this.rnd = new SplittableRandom(seed);
    }

    /** Runs {@code target} for {@code seconds} (at least once per seed, unmutated first). */
    Report run(String name, double seconds, Target target, Predicate<Throwable> refusal) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long execs = 0, refused = 0, slowest = 0, maxRss = -1, processPeak = -1;
        byte[] maxRssInput = null;
        Map<String, byte[]> crashes = new LinkedHashMap<>();
        int i = 0;
        while (i < seeds.size() || System.nanoTime() < end) {
            byte[] input = i < seeds.size() ? seeds.get(i) : mutate(seeds.get(rnd.nextInt(seeds.size())));
            i++;
            long rss0 = PeakRss.reset(); // per input: which one costs the most memory
            long t0 = System.nanoTime();
            Throwable thrown = null;
            try {
                target.run(input);
            } catch (Throwable t) {
                thrown = t;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long grew = PeakRss.peakSince(rss0);
            if (grew > maxRss) { maxRss = grew; maxRssInput = input; }
            if (rss0 >= 0) processPeak = Math.max(processPeak, rss0 + grew);
            slowest = Math.max(slowest, ms);
            execs++;
            String crash = null;
            if (thrown != null) {
                if (refusal.test(thrown)) {
                    refused++;
                    String m = thrown.getMessage();
                    if (m == null || m.isBlank() || m.contains("\n")) {
                        crash = "refusal not one line: " + thrown.getClass().getSimpleName() + ": " + String.valueOf(m).replace("\n", "\\n");
                    }
                } else {
                    StackTraceElement[] st = thrown.getStackTrace();
                    crash = thrown.getClass().getName() + " at " + (st.length > 0 ? st[0] : "?") + ": " + thrown.getMessage();
                }
            }
            if (ms > 5_000) crash = "slow input: " + ms + " ms";
            if (crash != null) crashes.putIfAbsent(crash.length() > 300 ? crash.substring(0, 300) : crash, input);
        }
        return new Report(name, execs, refused, crashes, slowest, maxRss, maxRssInput, processPeak);
    }

    /** One to four mutations of a copy of {@code seed}. */
    byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) b = mutateOnce(b);
        return b;
    }

    private byte[] mutateOnce(byte[] b) {
        if (b.length == 0) return new byte[]{(byte) rnd.nextInt(256)};
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b[at] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 2, 3 -> {
                int width = new int[]{2, 4, 8}[rnd.nextInt(3)];
                if (at + width > b.length) break;
                long v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)]
                        : b.length + rnd.nextInt(-64, 65); // near the real size: the classic off-by-some length
                boolean big = rnd.nextInt(4) == 0;
                for (int j = 0; j < width; j++) {
                    int shift = 8 * (big ? width - 1 - j : j);
                    b[at + j] = (byte) (v >>> shift);
                }
            }
            case 4 -> { // delete a chunk
                int len = Math.min(b.length - at, 1 + rnd.nextInt(Math.max(1, Math.min(64, b.length / 4 + 1))));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return out;
            }
            case 5 -> { // duplicate a chunk in place
                int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, b.length - at);
                return out;
            }
            case 6 -> { // splice from another seed
                byte[] other = seeds.get(rnd.nextInt(seeds.size()));
                if (other.length == 0) break;
                int from = rnd.nextInt(other.length), len = Math.min(Math.min(other.length - from, b.length - at), 1 + rnd.nextInt(128));
                System.arraycopy(other, from, b, at, len);
            }
            case 7 -> { // truncate
                return java.util.Arrays.copyOf(b, at);
            }
            default -> { // random bytes
                int len = Math.min(b.length - at, 1 + rnd.nextInt(8));
                for (int j = 0; j < len; j++) b[at + j] = (byte) rnd.nextInt(256);
            }
        }
        return b;
    }

    /** Seeds as a mutable list (helpers add to it). */
    static List<byte[]> seeds(byte[]... s) {
        return new ArrayList<>(List.of(s));
    }
}
