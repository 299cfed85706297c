package dev.jclip.data;

/**
 * One preprocessed image-text pair: the image as CLIP-normalized CHW floats, its caption, and a
 * class label where the source has one (else -1).
 *
 * <pre>{@code
 * Example e = dataset.get(0);
 * float[] chw = e.image();   // 3 * n * n values
 * }</pre>
 */
public record Example(float[] image, String caption, int label) {
    public Example {
        if (image == null || caption == null) throw new IllegalArgumentException("an example needs an image and a caption");
    }
}
