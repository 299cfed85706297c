package dev.jclip.train;

/**
 * Learning rate per step: linear warm-up to {@code baseLr} over {@code warmup} steps, then a
 * cosine decay to 0 at {@code totalSteps} (open_clip's {@code cosine_lr}).
 *
 * <pre>{@code
 * CosineSchedule lr = new CosineSchedule(5e-4, 100, 2000);
 * double now = lr.at(step);
 * }</pre>
 */
public record CosineSchedule(double baseLr, int warmup, int totalSteps) {
    public CosineSchedule {
        if (!(baseLr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + baseLr);
        if (warmup < 0 || totalSteps <= 0) throw new IllegalArgumentException("need warmup >= 0 and total steps > 0, got " + warmup + ", " + totalSteps);
    }

    /** The learning rate of (0-based) {@code step}. */
    public double at(long step) {
        return at(step, 0);
    }

    /**
     * The learning rate of {@code step} when at least {@code minProgress} (0..1) of the decay is
     * done: a run with a time budget passes the share of its time used, so the cosine reaches 0
     * when the time runs out even if fewer steps fit than planned. Warm-up is unaffected.
     */
    public double at(long step, double minProgress) {
        if (step < warmup) return baseLr * (step + 1) / warmup;
        long e = step - warmup, es = totalSteps - warmup;
        double p = Math.max(es <= 0 ? 1 : (double) e / es, minProgress);
        if (p >= 1) return 0.0;
        return 0.5 * (1 + Math.cos(Math.PI * p)) * baseLr;
    }
}
