package dev.jclip.progress;

import java.util.function.Consumer;

/**
 * One-line notices the library has for whoever runs it, and nothing else of it prints: an
 * architecture assumed from tensor shapes alone, a damaged training sample skipped, an unreadable
 * cache rebuilt, a run stopped by a signal. By default they go to {@link System.Logger} named
 * {@code dev.jclip} (so an application's logging, e.g. an SLF4J or Log4j bridge for
 * {@code System.Logger}, decides where and whether they show; no dependency here). An application
 * that shows them itself installs one sink; the {@code clip} command line prints each as
 * {@code jclip: <notice>} on stderr.
 *
 * <pre>{@code
 * Notices.to(message -> myLog.warn(message));   // or Notices.to(m -> {}) to drop them
 * Notices.to(null);                             // back to System.Logger
 * }</pre>
 *
 * <p>Notices are plain text in library terms with no prefix; a sink must be quick and thread-safe
 * (data-loading threads report too).
 */
public final class Notices {
    private static final System.Logger LOG = System.getLogger("dev.jclip");
    private static volatile Consumer<String> sink;

    private Notices() { }

    /** Sends every later notice to {@code s}; null: back to the {@code dev.jclip} {@link System.Logger}. */
    public static void to(Consumer<String> s) { sink = s; }

    /** Something the user may need to act on (an assumption that may be wrong, data skipped). */
    public static void warn(String message) { emit(System.Logger.Level.WARNING, message); }

    /** Something the user should know (how to continue a stopped run, a cache rebuilt). */
    public static void info(String message) { emit(System.Logger.Level.INFO, message); }

    private static void emit(System.Logger.Level level, String message) {
        Consumer<String> s = sink;
        if (s != null) s.accept(message);
        else LOG.log(level, message);
    }
}
