/**
 * The one public way in: {@link dev.jclip.Clip} loads a checkpoint as users download it (weights,
 * architecture, tokenizer and image preprocessing), embeds texts and images, classifies zero-shot
 * and saves a self-contained file; the packages below hold the parts.
 *
 * <!-- given: Path checkpoint; Path image -->
 * <pre>{@code
 * try (Clip clip = Clip.load(checkpoint)) {
 *     ZeroShotClassifier zs = clip.zeroShot(List.of("a diagram", "a dog", "a cat"));
 *     ZeroShotClassifier.Prediction best = clip.classify(List.of(image), zs, 1).getFirst().getFirst();
 *     Features text = clip.textFeatures(List.of("a diagram"));
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image},
 * {@code dev.jclip.model}, {@code dev.jclip.data}, {@code dev.jclip.dist}, {@code dev.jclip.eval}, {@code dev.jclip.embed},
 * {@code dev.jclip.train} (the top of the library); nothing in the library imports it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip;
