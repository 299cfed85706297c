package dev.jclip.text;

/**
 * A text whose tokens (with start and end of text) do not fit the context length, raised by
 * {@link ClipTokenizer#tokenizeIds} without {@code truncate}, like the reference's
 * {@code RuntimeError("Input ... is too long for context length 77")}.
 *
 * <pre>{@code
 * try { tok.tokenizeIds(List.of(longText), 77, false); }
 * catch (TextTooLongException e) { e.index(); e.tokenCount(); }
 * }</pre>
 */
public final class TextTooLongException extends IllegalArgumentException {
    private final int index;
    private final int tokenCount;
    private final int contextLength;

    public TextTooLongException(int index, String text, int tokenCount, int contextLength) {
        this(index, preview(text), tokenCount, contextLength, true);
    }

    private TextTooLongException(int index, String preview, int tokenCount, int contextLength, boolean previewed) {
        super("Input " + preview + " is too long for context length " + contextLength
                + " (text #" + index + ": " + tokenCount + " tokens with start and end of text)");
        this.index = index;
        this.tokenCount = tokenCount;
        this.contextLength = contextLength;
        this.preview = preview;
    }

    private final String preview;

    /** The reference echoes the whole input; a 10 MB line must not become a 10 MB message. */
    private static String preview(String text) {
        if (text.length() <= 80) return text;
        return text.substring(0, 60) + String.format(java.util.Locale.ROOT, "... (%,d characters)", text.length());
    }

    /** The same failure with the index counted from {@code offset} earlier (a batch's start in the whole list). */
    public TextTooLongException shifted(int offset) {
        return new TextTooLongException(index + offset, preview, tokenCount, contextLength, true);
    }

    /** Position of the text in the batch. */
    public int index() {
        return index;
    }

    /** Its token count including start and end of text. */
    public int tokenCount() {
        return tokenCount;
    }

    public int contextLength() {
        return contextLength;
    }
}
