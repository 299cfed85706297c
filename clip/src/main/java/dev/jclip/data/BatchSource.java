package dev.jclip.data;

/**
 * An endless stream of training batches (epochs roll over by themselves), prepared off the
 * training thread.
 *
 * <pre>{@code
 * try (BatchSource src = new DataLoader(ds, DataLoader.Options.of(64, 0))) {
 *     Batch b = src.next();
 * }
 * }</pre>
 */
public interface BatchSource extends AutoCloseable {
    /** The next batch; blocks until one is ready. */
    Batch next();

    @Override void close();
}
