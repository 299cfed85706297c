package dev.jclip.samples;

import dev.jclip.progress.Progress;
import dev.jclip.progress.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the command line shows the library's progress reports on stderr: a bar (rate, ETA) when
 * stderr is a terminal; plain lines when it is a file or a pipe (a log), at most one every
 * {@code every} seconds or {@code every} units, plus the first and the last; or nothing.
 *
 * <pre>{@code
 * ProgressListener p = ConsoleProgress.create("auto", "10s");
 * new ImageEmbedder(encoder, 64).progress(p).embedFiles(files);
 * }</pre>
 */
final class ConsoleProgress implements ProgressListener {
    /** What {@code --progress} accepts. */
    static final String MODES = "auto, bar, lines, none";

    private final PrintStream err;
    private final boolean bar;
    private final double everySeconds;
    private final long everyUnits;
    private final Map<String, ProgressBar> bars = new HashMap<>();
    private final Map<String, long[]> lastLine = new HashMap<>(); // task -> {nanoTime, done}

    private ConsoleProgress(PrintStream err, boolean bar, double everySeconds, long everyUnits) {
        this.err = err;
        this.bar = bar;
        this.everySeconds = everySeconds;
        this.everyUnits = everyUnits;
    }

    /**
     * {@code mode}: auto (a bar on a terminal, lines otherwise), bar, lines or none;
     * {@code every}: for lines, {@code 10s} (seconds) or {@code 50} (units, e.g. steps); 0 = every report.
     */
    static ProgressListener create(String mode, String every) {
        return create(mode, every, System.err, stderrIsTerminal());
    }

    static ProgressListener create(String mode, String every, PrintStream err, boolean terminal) {
        double secs = 0;
        long units = 0;
        String e = every.strip().toLowerCase(Locale.ROOT);
        try {
            if (e.endsWith("s")) secs = Double.parseDouble(e.substring(0, e.length() - 1));
            else units = Long.parseLong(e);
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException("--progress-every '" + every + "': expected seconds such as 10s or a count such as 50");
        }
        if (secs < 0 || units < 0) throw new IllegalArgumentException("--progress-every must not be negative, got " + every);
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> new ConsoleProgress(err, terminal, secs, units);
            case "bar" -> new ConsoleProgress(err, true, secs, units);
            case "lines" -> new ConsoleProgress(err, false, secs, units);
            case "none" -> ProgressListener.NONE;
            default -> throw new IllegalArgumentException("--progress '" + mode + "': expected one of " + MODES);
        };
    }

    /**
     * Where a command line sends files it could not read: {@code skipped PATH: reason} on the
     * progress stream, and on stderr even with {@code --progress none} (a skipped file is a result,
     * not progress).
     */
    static java.util.function.BiConsumer<String, String> skipped(ProgressListener p) {
        return (key, reason) -> {
            String line = "skipped " + key + ": " + reason;
            if (p == ProgressListener.NONE) System.err.println(line);
            else p.note(line);
        };
    }

    @Override public synchronized void update(Progress p) {
        if (bar) {
            ProgressBar b = bars.computeIfAbsent(p.task(), t -> new ProgressBarBuilder().setTaskName(t).setInitialMax(Math.max(p.total(), 1))
                    .setUnit(" " + p.unit(), 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).setMaxRenderedLength(140)
                    .startsFrom(p.start(), java.time.Duration.ZERO).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).build());
            b.stepTo(p.done());
            if (!p.detail().isEmpty()) b.setExtraMessage(" " + p.detail());
            return;
        }
        long now = System.nanoTime();
        long[] last = lastLine.get(p.task());
        boolean due = last == null
                || (everySeconds == 0 && everyUnits == 0)
                || (everySeconds > 0 && (now - last[0]) / 1e9 >= everySeconds)
                || (everyUnits > 0 && p.done() - last[1] >= everyUnits)
                || p.finished();
        if (!due || (last != null && last[1] == p.done())) return;
        err.println(p.line());
        err.flush();
        lastLine.put(p.task(), new long[]{now, p.done()});
    }

    @Override public synchronized void finish(Progress last) {
        if (bar) {
            ProgressBar b = bars.remove(last.task());
            if (b != null) b.close();
            return;
        }
        long[] l = lastLine.remove(last.task());
        if (l != null && l[1] != last.done()) {
            err.println(last.line());
            err.flush();
        }
    }

    @Override public synchronized void note(String message) {
        err.println(message);
        err.flush();
    }

    private static final MethodHandle ISATTY = isatty();

    private static MethodHandle isatty() {
        try {
            Linker l = Linker.nativeLinker();
            return l.defaultLookup().find("isatty").map(a -> l.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether file descriptor 2 is a terminal (libc's isatty); when that cannot be asked, whether the JVM has an interactive console. */
    static boolean stderrIsTerminal() {
        if (ISATTY != null) {
            try {
                return (int) ISATTY.invokeExact(2) == 1;
            } catch (Throwable ignored) {
                // fall through
            }
        }
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }
}
