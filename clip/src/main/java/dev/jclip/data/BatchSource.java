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

    /**
     * Asks the source to stage its batches in pinned host memory for {@code device} ({@link Batch#staged}),
     * when it prepares them off the training thread; the default changes nothing. Returns this.
     */
    default BatchSource stagingFor(dev.jclip.torch.Device device) { return this; }

    @Override void close();
}
