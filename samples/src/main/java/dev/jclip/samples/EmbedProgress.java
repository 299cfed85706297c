package dev.jclip.samples;

import dev.jclip.embed.BulkEmbedder;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Renders bulk-embedding progress on stderr: one updating line with rate and ETA in a terminal,
 * a plain line every 10 s in a log; bad files as {@code skipped PATH: reason} lines.
 */
final class EmbedProgress implements BulkEmbedder.Listener {
    private final PrintStream err;
    private final boolean tty = ConsoleProgress.stderrIsTerminal(); // System.console() is not null in a log on JDK 22+
    private long total = -1, lastNs;
    private boolean quiet;

    EmbedProgress(PrintStream err) { this.err = err; }

    EmbedProgress quiet(boolean q) { this.quiet = q; return this; }

    @Override public void started(long total) { this.total = total; lastNs = System.nanoTime(); }

    @Override public void failed(String key, String reason) {
        if (tty) err.print("\r\033[K");
        err.println("skipped " + key + ": " + reason);
    }

    @Override public void progress(BulkEmbedder.Stats s) {
        if (quiet) return;
        long now = System.nanoTime();
        if (!tty && now - lastNs < 10_000_000_000L) return;
        lastNs = now;
        String line = line(s);
        if (tty) err.print("\r\033[K" + line);
        else err.println(line);
        err.flush();
    }

    void done(BulkEmbedder.Stats s) {
        if (tty && !quiet) err.println();
    }

    private String line(BulkEmbedder.Stats s) {
        double rate = s.imagesPerSecond();
        StringBuilder b = new StringBuilder("embedding: ").append(s.embedded());
        if (total >= 0) b.append('/').append(total - s.skipped());
        b.append(String.format(Locale.ROOT, " images, %.1f img/s", rate));
        if (total >= 0 && rate > 0) {
            long left = (long) ((total - s.skipped() - s.embedded() - s.failed()) / rate);
            b.append(String.format(Locale.ROOT, ", ETA %d:%02d:%02d", left / 3600, left / 60 % 60, left % 60));
        }
        if (s.failed() > 0) b.append(", ").append(s.failed()).append(" bad");
        if (s.skipped() > 0) b.append(", ").append(s.skipped()).append(" already done");
        return b.toString();
    }
}
