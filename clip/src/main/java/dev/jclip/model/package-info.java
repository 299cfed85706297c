/**
 * The CLIP model as openai/CLIP's {@code model.py} defines it, with the reference's parameter
 * names: {@link dev.jclip.model.ClipModel} (image tower {@link dev.jclip.model.VisionTransformer} or
 * {@link dev.jclip.model.ModifiedResNet}, {@link dev.jclip.model.TextTransformer}, {@code logit_scale}),
 * its architecture ({@link dev.jclip.model.ClipArchitecture}), the layers, parameter storage, and the
 * one model contract the rest of the library takes, {@link dev.jclip.model.ContrastiveModel}.
 *
 * <!-- given: Tensor images -->
 * <pre>{@code
 * try (ClipModel model = ClipModel.fromCheckpoint(Path.of("ViT-B-32.pt"))) {
 *     Tensor img = model.encodeImage(images);
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress} (notices), {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.model;
