package dev.jclip.torch;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * Keeps float32 gradients right on CPUs where oneDNN's backward kernels are wrong.
 *
 * <p>On some x86-64 CPUs (seen on AMD EPYC with AVX-512, libtorch 2.10) oneDNN returns float32
 * convolution input gradients off by up to 100 % of their size (sometimes Inf/NaN) when a
 * convolution has few channels, while the forward pass and float64 are right. ATen's own
 * kernels are right there. The guard therefore turns oneDNN off ({@code at::globalContext()
 * .setUserEnabledMkldnn(false)}) for the duration of each {@link Tensor#backward()} and back on
 * afterwards: forward passes and inference keep oneDNN's speed; only backward passes run ATen's
 * kernels.
 *
 * <p>Whether the guard is needed is decided by a self-test rather than a list of CPU models: on
 * the first backward pass (or the first call of {@link #status()}) a {@link GradientProbe} of a
 * few milliseconds compares float32 with float64 gradients of the failing network shapes; the
 * guard is turned on only when they disagree. Programs that never call backward never pay for
 * the probe.
 *
 * <p>Override with {@code -Djclip.onednnGuard=auto|on|off} or the environment variable
 * {@code JCLIP_ONEDNN_GUARD} (the system property wins): {@code on} guards every backward pass
 * without probing, {@code off} never does.
 *
 * <pre>{@code
 * OneDnnGuard.Status st = OneDnnGuard.status();
 * System.out.println(st.describe());   // e.g. "auto: oneDNN gradients right ... guard off"
 * }</pre>
 *
 * <p>The switch is process-wide (libtorch has no per-thread one): inference running on another
 * thread while a backward pass runs uses ATen's kernels meanwhile, which is right but slower.
 */
public final class OneDnnGuard {
    /** The user's choice. */
    public enum Mode { AUTO, ON, OFF }

    /**
     * What was detected and done.
     *
     * @param mode the configured mode
     * @param oneDnn whether this libtorch has oneDNN at all
     * @param probe the probe with oneDNN as configured (null when not run)
     * @param guarded the probe again with the guard on (null when not run)
     * @param active whether backward passes run with oneDNN off
     * @param probeMillis how long the probes took (0 when none ran)
     */
    public record Status(Mode mode, boolean oneDnn, String probe, String guarded, boolean active, long probeMillis) {
        /** One line for logs and {@code clip version}. */
        public String describe() {
            StringBuilder b = new StringBuilder(mode.name().toLowerCase(Locale.ROOT)).append(": ");
            if (!oneDnn) return b.append("libtorch has no oneDNN; nothing to guard").toString();
            if (probe != null) b.append("float32 gradients with oneDNN ").append(probe).append("; ");
            if (guarded != null) b.append("with oneDNN off in backward ").append(guarded).append("; ");
            if (probeMillis > 0) b.append("probe took ").append(probeMillis).append(" ms; ");
            if (mode != Mode.AUTO) b.append("set by ").append(source()).append("; ");
            return b.append(active ? "backward passes run with oneDNN off" : "oneDNN stays on in backward passes").toString();
        }
    }

    private static final Object LOCK = new Object();
    private static volatile Status status;
    private static int depth;
    private static boolean saved;

    private OneDnnGuard() {}

    static final String PROPERTY = "jclip.onednnGuard";
    static final String ENV = "JCLIP_ONEDNN_GUARD";

    /** The configured mode: system property {@code jclip.onednnGuard}, else env {@code JCLIP_ONEDNN_GUARD}, else auto. */
    public static Mode configuredMode() {
        String key = source();
        String v = key == null ? null : key.equals(PROPERTY) ? System.getProperty(key) : System.getenv(key);
        if (v == null) return Mode.AUTO;
        try {
            return Mode.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TorchException(key + "=" + v + ": expected auto, on or off");
        }
    }

    /** Which setting holds the mode, or null for the default. */
    private static String source() {
        String v = System.getProperty(PROPERTY);
        if (v != null && !v.isBlank()) return PROPERTY;
        v = System.getenv(ENV);
        return v != null && !v.isBlank() ? ENV : null;
    }

    /** What was detected and done; runs the probe on first use in auto mode. */
    public static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (LOCK) {
                s = status;
                if (s == null) status = s = decide(configuredMode());
            }
        }
        return s;
    }

    /**
     * Sets the mode from code (overrides the property and the environment) and decides again:
     * {@code AUTO} reruns the probe. Returns the new status.
     */
    public static Status configure(Mode mode) {
        synchronized (LOCK) {
            status = decide(mode);
            return status;
        }
    }

    /**
     * Turns oneDNN off for every CPU operator until closed (process-wide, nestable), e.g. to compare
     * kernels; backward passes under an active guard do this by themselves.
     *
     * <pre>{@code
     * try (var off = OneDnnGuard.oneDnnOff()) { y = F.conv2d(x, w, null, 1, 1); }
     * }</pre>
     */
    public static Off oneDnnOff() {
        enter();
        return new Off();
    }

    /** A {@link #oneDnnOff()} region; closing it (once) turns oneDNN back on unless another region is open. */
    public static final class Off implements AutoCloseable {
        private boolean closed;

        private Off() {}

        @Override public void close() {
            synchronized (LOCK) {
                if (closed) return;
                closed = true;
                exit();
            }
        }
    }

    /** Whether backward passes currently run with oneDNN off. */
    public static boolean isActive() { return status().active(); }

    private static Status decide(Mode mode) {
        boolean has = NativeApi._ZN2at7Context9hasMKLDNNEv();
        if (!has) return new Status(mode, false, null, null, false, 0);
        return switch (mode) {
            case OFF -> new Status(mode, true, null, null, false, 0);
            case ON -> new Status(mode, true, null, null, true, 0);
            case AUTO -> {
                long t0 = System.nanoTime();
                GradientProbe.Result plain = GradientProbe.run();
                if (!plain.wrong()) yield new Status(mode, true, plain.describe(), null, false, millisSince(t0));
                GradientProbe.Result guarded;
                // Not through backward(): the decision is being made.
                enter();
                try { guarded = GradientProbe.run(); } finally { exit(); }
                yield new Status(mode, true, plain.describe(), guarded.describe(), true, millisSince(t0));
            }
        };
    }

    private static long millisSince(long t0) { return Math.max(1, (System.nanoTime() - t0) / 1_000_000); }

    /** Runs a backward pass under the guard when it is active. */
    static void backward(Runnable pass) {
        if (!isActive()) { pass.run(); return; }
        enter();
        try { pass.run(); } finally { exit(); }
    }

    /** Turns oneDNN off; nested and concurrent passes share one switch, restored by the last {@link #exit()}. */
    private static void enter() {
        synchronized (LOCK) {
            MemorySegment ctx = NativeApi._ZN2at13globalContextEv();
            if (depth++ == 0) {
                saved = NativeApi._ZNK2at7Context17userEnabledMkldnnEv(ctx);
                NativeApi._ZN2at7Context20setUserEnabledMkldnnEb(ctx, false);
            }
        }
    }

    private static void exit() {
        synchronized (LOCK) {
            if (--depth == 0) NativeApi._ZN2at7Context20setUserEnabledMkldnnEb(NativeApi._ZN2at13globalContextEv(), saved);
        }
    }
}
