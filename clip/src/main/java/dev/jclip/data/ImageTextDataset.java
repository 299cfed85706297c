package dev.jclip.data;

/**
 * A random-access set of image-text pairs; {@link #get} is called from loader worker threads
 * and must be thread-safe and deterministic (same index, same example).
 *
 * <pre>{@code
 * ImageTextDataset ds = new ShapesDataset(32, ShapesDataset.Split.TRAIN, 1000, 0);
 * Example e = ds.get(3);
 * }</pre>
 */
public interface ImageTextDataset {
    /** Number of examples. */
    int size();

    /** Example {@code index} in [0, size()), preprocessed to {@link #imageSize()} pixels. */
    Example get(int index);

    /** Side of the square images it produces. */
    int imageSize();
}
