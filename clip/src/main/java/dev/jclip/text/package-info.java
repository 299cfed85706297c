/**
 * CLIP's text side before the model: {@link dev.jclip.text.ClipTokenizer} (openai/CLIP's
 * {@code SimpleTokenizer} and {@code clip.tokenize}, exact to the reference) with its vocabulary
 * loader {@link dev.jclip.text.BpeVocabulary}, and the Python behaviours it depends on: the ftfy
 * 6.3.1 {@code fix_text} port ({@link dev.jclip.text.Ftfy}), {@code html.unescape}
 * ({@link dev.jclip.text.HtmlUnescape}), Python string semantics ({@link dev.jclip.text.PyStr}) and
 * CPython's UTF-8 decoding ({@link dev.jclip.text.Utf8Codec}).
 *
 * <pre>{@code
 * ClipTokenizer tok = ClipTokenizer.load(Path.of("bpe_simple_vocab_16e6.txt.gz"));
 * int[][] ids = tok.tokenizeIds(List.of("a photo of a dog"), 77, false);
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.torch} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.text;
