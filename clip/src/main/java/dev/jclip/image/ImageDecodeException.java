package dev.jclip.image;

/**
 * An image file could not be decoded: unreadable, truncated, not an image, or in a form this
 * decoder does not handle. The message names the file (or stream name) and the reason.
 *
 * <pre>{@code
 * try {
 *     ImageDecoder.defaults().decode(path);
 * } catch (ImageDecodeException e) {
 *     log.warn("skipping " + e.source() + ": " + e.reason());
 * }
 * }</pre>
 */
public class ImageDecodeException extends RuntimeException {
    private final String source;
    private final String reason;

    public ImageDecodeException(String source, String reason) {
        this(source, reason, null);
    }

    public ImageDecodeException(String source, String reason, Throwable cause) {
        super(printable("cannot decode image " + source + ": " + reason), cause);
        this.source = source;
        this.reason = reason;
    }

    /** One printable line: control characters (a file name with a newline, decoder texts) shown escaped. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(c == '\n' ? "\\n" : String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    /** The file path or stream name that failed. */
    public String source() {
        return source;
    }

    /** Why it failed, without the file name. */
    public String reason() {
        return reason;
    }
}
