/**
 * Images before the model: decoding as Pillow does ({@link dev.jclip.image.ImageDecoder}, PIL
 * modes, EXIF orientation), CLIP's exact preprocessing ({@link dev.jclip.image.ClipPreprocess}:
 * bicubic resize, centre crop, normalisation), recorded transforms ({@link dev.jclip.image.ImageTransform}),
 * batch preprocessing with failures reported ({@link dev.jclip.image.PreprocessBatch}) and the one
 * rule for which files are images ({@link dev.jclip.image.ImageFiles}).
 *
 * <pre>{@code
 * float[] chw = new ClipPreprocess(224).preprocess(Path.of("cat.jpg"));   // [3, 224, 224]
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.torch} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.image;
