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
 * the first backward pass (or the first call of {@link #status()}) a {@link GradientProbe} (tens of
 * milliseconds on a quiet core) compares float32 with float64 gradients of the failing network shapes; the
 * guard is turned on only when they disagree. Programs that never call backward never pay for
 * the probe.
 *
 * <p>Override with {@code -Djclip.onednnGuard=auto|on|off} or the environment variable
 * {@code JCLIP_ONEDNN_GUARD} (the system property wins): {@code on} guards every backward pass
 * without probing, {@code off} never does.
 *
 * <pre>{@code
 * OneDnnGuard.Status st = OneDnnGuard.status();
 * System.out.println(st.describe());   // "auto: float32 gradients with oneDNN right: 5.87e-07 x max|float64| ..."
 * if (st.active()) System.out.println("backward passes run without oneDNN here");
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
     * @param setBy where the mode came from: the property, the environment variable,
     *              {@code "OneDnnGuard.configure"}, or null for the default
     */
    public record Status(Mode mode, boolean oneDnn, String probe, String guarded, boolean active, long probeMillis, String setBy) {
        /** One line for logs and {@code clip version}. */
        public String describe() {
            StringBuilder b = new StringBuilder(mode.name().toLowerCase(Locale.ROOT)).append(": ");
            if (!oneDnn) return b.append("libtorch has no oneDNN; nothing to guard").toString();
            if (probe != null) b.append("float32 gradients with oneDNN ").append(probe).append("; ");
            if (guarded != null) b.append("with oneDNN off in backward ").append(guarded).append("; ");
            if (probeMillis > 0) b.append("probe took ").append(probeMillis).append(" ms; ");
            if (setBy != null) b.append("set by ").append(setBy).append("; ");
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
                if (s == null) status = s = decide(configuredMode(), source());
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
            status = decide(mode, "OneDnnGuard.configure");
            return status;
        }
    }

    /** Puts back a status saved from {@link #status()} without probing again (tests). */
    static void restore(Status saved) {
        synchronized (LOCK) { status = saved; }
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

    private static Status decide(Mode mode, String setBy) {
        boolean has = NativeApi._ZN2at7Context9hasMKLDNNEv();
        if (!has) return new Status(mode, false, null, null, false, 0, setBy);
        return switch (mode) {
            case OFF -> new Status(mode, true, null, null, false, 0, setBy);
            case ON -> new Status(mode, true, null, null, true, 0, setBy);
            case AUTO -> probe(setBy);
        };
    }

    /** Runs the probe with oneDNN on; if wrong, again with it off. A probe that cannot run guards, to be safe. */
    private static Status probe(String setBy) {
        long t0 = System.nanoTime();
        GradientProbe.Result plain;
        MemorySegment ctx = NativeApi._ZN2at13globalContextEv();
        boolean was = NativeApi._ZNK2at7Context17userEnabledMkldnnEv(ctx);
        // Probe oneDNN itself even inside a oneDnnOff() region of this thread (it ends; backward must be
        // right after), but never switch it on under another thread's guarded backward pass.
        boolean force = depth == 0;
        if (force) NativeApi._ZN2at7Context20setUserEnabledMkldnnEb(ctx, true);
        try {
            plain = GradientProbe.run();
        } catch (TorchException e) {
            return new Status(Mode.AUTO, true, "could not run (" + e.getMessage() + ")", null, true, millisSince(t0), setBy);
        } finally {
            if (force) NativeApi._ZN2at7Context20setUserEnabledMkldnnEb(ctx, was);
        }
        if (!plain.wrong()) return new Status(Mode.AUTO, true, plain.describe(), null, false, millisSince(t0), setBy);
        GradientProbe.Result guarded;
        // Not through backward(): the decision is being made.
        enter();
        try { guarded = GradientProbe.run(); } finally { exit(); }
        return new Status(Mode.AUTO, true, plain.describe(), guarded.describe(), true, millisSince(t0), setBy);
    }

    private static long millisSince(long t0) { return Math.max(1, (System.nanoTime() - t0) / 1_000_000); }

    /** Runs a backward pass from {@code root} under the guard when it is active (CPU roots only: CUDA has no oneDNN). */
    static void backward(Tensor root, Runnable pass) {
        if (root.device().type() != Device.Type.CPU || !isActive()) { pass.run(); return; }
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
