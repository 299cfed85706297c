package dev.jclip.text;

/**
 * openai/CLIP's text clean-up before BPE, in the reference's order:
 * {@code ftfy.fix_text} -> {@code html.unescape} twice -> {@code strip()} -> {@code \s+} to one
 * space -> {@code strip()} -> {@code lower()} (Python semantics throughout, see {@link PyStr}).
 * Plain ASCII text without {@code &} or control characters takes a one-pass fast path with the
 * same result.
 *
 * <pre>{@code
 * TextCleaner.clean("  A&amp;amp;B\u00a0 Dog ");   // "a&b dog"
 * }</pre>
 */
public final class TextCleaner {
    private TextCleaner() {}

    /** The cleaned, lower-cased text the reference pre-tokenizes. */
    public static String clean(String text) {
        if (Ftfy.isTriviallyClean(text)) return cleanAscii(text);
        String s = Ftfy.fixText(text);
        s = HtmlUnescape.unescape(HtmlUnescape.unescape(s));
        s = PyStr.strip(s);
        s = PyStr.collapseWhitespace(s);
        s = PyStr.strip(s);
        return PyStr.lower(s);
    }

    /** strip + collapse + strip + lower in one pass, for text that ftfy and unescape leave alone. */
    private static String cleanAscii(String text) {
        int n = text.length();
        char[] out = new char[n];
        int k = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c <= ' ') { // tab, LF, FF, space: the only whitespace the fast path admits
                pendingSpace = k > 0;
                continue;
            }
            if (pendingSpace) {
                out[k++] = ' ';
                pendingSpace = false;
            }
            out[k++] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
        }
        return new String(out, 0, k);
    }
}
