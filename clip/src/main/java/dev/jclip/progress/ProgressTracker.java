package dev.jclip.progress;

/**
 * Counts the units of one task and reports them to a {@link ProgressListener} with the time
 * elapsed; closing it reports the final state once.
 *
 * <pre>{@code
 * try (ProgressTracker t = listener.track("embedding images", "images", files.size(), 0)) {
 *     for (...) { ...; t.advance(batch.size()); }
 * }
 * }</pre>
 */
public final class ProgressTracker implements AutoCloseable {
    private final ProgressListener listener;
    private final String task;
    private final String unit;
    private final long total;
    private final long start;
    private final long t0 = System.nanoTime();
    private long done;
    private String detail = "";
    private boolean closed;

    ProgressTracker(ProgressListener listener, String task, String unit, long total, long start) {
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.task = task;
        this.unit = unit;
        this.total = total;
        this.start = start;
        this.done = start;
    }

    /** Adds {@code n} finished units and reports. */
    public void advance(long n) { to(done + n, detail); }

    /** Sets the finished units (and the detail shown with them) and reports. */
    public void to(long done, String detail) {
        this.done = done;
        this.detail = detail == null ? "" : detail;
        listener.update(snapshot());
    }

    /** The current state. */
    public Progress snapshot() {
        return new Progress(task, unit, done, total, start, (System.nanoTime() - t0) / 1e9, detail);
    }

    public long done() { return done; }

    @Override public void close() {
        if (closed) return;
        closed = true;
        listener.finish(snapshot());
    }
}
