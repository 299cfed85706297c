package dev.jclip.progress;

/**
 * One report of long work in progress: which task, how far ({@code done} of {@code total} units),
 * from where this run started ({@code start}: a resumed training run starts at its checkpoint's
 * step), the seconds spent so far, and a short free-form detail (loss, lr, samples/s).
 * Renderers (a bar on a terminal, plain lines in a log) live in the application, not here.
 *
 * <pre>{@code
 * Progress p = new Progress("train", "steps", 120, 1000, 0, 64.0, "loss 2.31 lr 1.0e-05");
 * double eta = p.etaSeconds();   // from the rate since start
 * }</pre>
 *
 * @param task    what runs ({@code train}, {@code zero-shot eval}, {@code embedding images})
 * @param unit    what {@code done} counts ({@code steps}, {@code images})
 * @param done    units finished
 * @param total   units in all; 0 when unknown
 * @param start   units already done before this run began (not counted in the rate)
 * @param elapsedSeconds seconds since this run began
 * @param detail  extra figures for the reader, may be empty
 */
public record Progress(String task, String unit, long done, long total, long start, double elapsedSeconds, String detail) {
    public Progress {
        if (task == null || unit == null) throw new IllegalArgumentException("task and unit must not be null");
        if (detail == null) detail = "";
    }

    /** Units per second since {@code start}; 0 before any unit is done. */
    public double rate() {
        return elapsedSeconds > 0 && done > start ? (done - start) / elapsedSeconds : 0;
    }

    /** Seconds left at the current rate; NaN when unknown. */
    public double etaSeconds() {
        double r = rate();
        return total > 0 && r > 0 ? Math.max(0, total - done) / r : Double.NaN;
    }

    /** {@code done / total} in [0, 1]; NaN when the total is unknown. */
    public double fraction() { return total > 0 ? Math.min(1.0, (double) done / total) : Double.NaN; }

    /** Whether the work is complete. */
    public boolean finished() { return total > 0 && done >= total; }

    /**
     * The plain-text form used in logs:
     * {@code train 120/1000 steps (12 %) loss 2.31 lr 1.0e-05 | 3.1 steps/s, 38 s elapsed, ETA 4m 44s}.
     */
    public String line() {
        StringBuilder b = new StringBuilder(task).append(' ').append(done);
        if (total > 0) b.append('/').append(total);
        b.append(' ').append(unit);
        if (total > 0) b.append(String.format(java.util.Locale.ROOT, " (%.0f %%)", 100 * fraction()));
        if (!detail.isEmpty()) b.append(' ').append(detail);
        b.append(String.format(java.util.Locale.ROOT, " | %.1f %s/s, %s elapsed", rate(), unit, duration(elapsedSeconds)));
        double eta = etaSeconds();
        if (!Double.isNaN(eta) && !finished()) b.append(", ETA ").append(duration(eta));
        return b.toString();
    }

    /** {@code 42 s}, {@code 3m 05s}, {@code 2h 07m}. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(java.util.Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        return String.format(java.util.Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60);
    }
}
