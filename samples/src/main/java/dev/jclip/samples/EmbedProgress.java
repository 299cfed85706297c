package dev.jclip.samples;

import dev.jclip.embed.BulkEmbedder;
import dev.jclip.progress.ProgressListener;
import dev.jclip.progress.ProgressTracker;

/**
 * Bulk-embedding progress through the command line's {@link ConsoleProgress} (a bar with rate and
 * ETA in a terminal, plain lines in a log, per {@code --progress}); bad files as
 * {@code skipped PATH: reason} notes on the same stream.
 */
final class EmbedProgress implements BulkEmbedder.Listener {
    private final ProgressListener out;
    private final long alreadyDone;
    private ProgressTracker tracker;

    /** {@code alreadyDone}: items of the inputs found in the output already (a resumed run). */
    EmbedProgress(String mode, long alreadyDone) {
        this.out = ConsoleProgress.create(mode, "10s");
        this.alreadyDone = alreadyDone;
    }

    @Override public void started(long total) {
        tracker = out.track("embedding", "images", Math.max(0, total), Math.min(alreadyDone, Math.max(0, total)));
    }

    /** Reported even with {@code --progress none}: a skipped file is a result, not progress. */
    @Override public void failed(String key, String reason) {
        String line = "skipped " + key + ": " + reason;
        if (out == ProgressListener.NONE) System.err.println(line);
        else out.note(line);
    }

    @Override public void progress(BulkEmbedder.Stats s) {
        tracker.to(alreadyDone + s.embedded() + s.failed(), s.failed() > 0 ? s.failed() + " unreadable" : "");
    }

    void done() { if (tracker != null) tracker.close(); }
}
