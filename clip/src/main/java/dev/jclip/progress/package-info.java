/**
 * Progress of long work as events, not drawings: the library reports through a
 * {@link dev.jclip.progress.ProgressListener} ({@link dev.jclip.progress.Progress} snapshots, kept by a
 * {@link dev.jclip.progress.ProgressTracker}); the application decides how to show them (the
 * command line draws a bar on a terminal and plain lines in a log). One-line notices that are not
 * progress (an assumed architecture, a skipped sample) go through {@link dev.jclip.progress.Notices}:
 * {@link System.Logger} by default, or the application's sink; the library never prints. No terminal library here.
 *
 * <pre>{@code
 * ProgressListener log = new ProgressListener() {
 *     public void update(Progress p) { System.err.println(p.line()); }
 * };
 * }</pre>
 *
 * <p><b>May import:</b> nothing of jclip (a leaf: reports, no drawing); the layers above may import it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.progress;
