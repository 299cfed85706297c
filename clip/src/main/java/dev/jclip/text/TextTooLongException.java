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
        super("Input " + text + " is too long for context length " + contextLength
                + " (text #" + index + ": " + tokenCount + " tokens with start and end of text)");
        this.index = index;
        this.tokenCount = tokenCount;
        this.contextLength = contextLength;
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
