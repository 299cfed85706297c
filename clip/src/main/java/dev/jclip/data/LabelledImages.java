package dev.jclip.data;

import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecodeException;

import java.util.List;

/**
 * A labelled image set for evaluation: class names, and per item a label, a display name and
 * the decoded image (decoding may fail for a bad file: {@link ImageDecodeException}, which the
 * harness reports and skips).
 *
 * <pre>{@code
 * LabelledImages set = LabelledFolder.scan(Path.of("pets"));   // pets/<class>/<image>
 * LabelledImages fm = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
 * }</pre>
 */
public interface LabelledImages {
    /** Class names, index = label. */
    List<String> classes();

    int size();

    /** Label of item {@code i}, in {@code [0, classes().size())}. */
    int label(int i);

    /** A name for reports (file path, or data set and index). */
    String name(int i);

    /** The image of item {@code i}. */
    DecodedImage image(int i);

    /** All labels, in order. */
    default int[] labels() {
        int[] y = new int[size()];
        for (int i = 0; i < y.length; i++) y[i] = label(i);
        return y;
    }
}
