/**
 * Using a model: embedding images and texts ({@link dev.jclip.eval.ImageEmbedder},
 * {@link dev.jclip.eval.TextEmbedder}), zero-shot classification ({@link dev.jclip.eval.ZeroShotClassifier},
 * the one zero-shot scorer, with prompt templates and a classifier cache), retrieval, linear probes
 * ({@link dev.jclip.eval.LinearProbe}) and the {@code clip eval} harness ({@link dev.jclip.eval.Evaluation}).
 * Everything takes a {@link dev.jclip.model.ContrastiveModel}.
 *
 * <!-- given: ContrastiveModel model; PromptTokenizer tokenizer; List<String> classes -->
 * <pre>{@code
 * ZeroShotClassifier zs = ZeroShotClassifier.build(model, tokenizer, classes, PromptTemplates.single(), 256);
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.progress}, {@code dev.jclip.torch}, {@code dev.jclip.text}, {@code dev.jclip.io}, {@code dev.jclip.image}, {@code dev.jclip.model}, {@code dev.jclip.data} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.eval;
