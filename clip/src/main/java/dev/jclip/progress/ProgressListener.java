package dev.jclip.progress;

/**
 * Receives progress of long work (training steps, evaluation, embedding, data preparation). The
 * library only reports; how it is shown is the application's choice: the {@code clip} command
 * line draws a bar on a terminal and writes plain lines every few seconds when stderr is a log file.
 * Calls come from the thread doing the work; implementations should be quick.
 *
 * <pre>{@code
 * ProgressListener log = new ProgressListener() {
 *     public void update(Progress p) { System.err.println(p.line()); }
 * };
 * new TrainRun(out, 100, 10, config, tokenizer).progress(log).run(trainer, loader, 0);
 * }</pre>
 */
public interface ProgressListener {
    /** Nothing is shown. */
    ProgressListener NONE = new ProgressListener() {
        @Override public void update(Progress p) { }
    };

    /** The work advanced. */
    void update(Progress p);

    /** The work ended (complete or not); {@code last} is its final state. A bar closes here. */
    default void finish(Progress last) { }

    /** A one-line note (e.g. "resumed at step 40") for the same stream as the progress. */
    default void note(String message) { }

    /** Starts tracking a task of {@code total} units (0 = unknown), of which {@code start} are already done. */
    default ProgressTracker track(String task, String unit, long total, long start) {
        return new ProgressTracker(this, task, unit, total, start);
    }
}
