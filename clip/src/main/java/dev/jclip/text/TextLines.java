package dev.jclip.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text file read as strict UTF-8 lines, with errors that name the file and the line:
 * {@code --texts captions.txt line 7: invalid UTF-8 at byte 12 of the line}, where
 * {@code Files.readAllLines} says only "Input length = 1". A trailing newline does not make an
 * empty last line; {@code \r\n} endings are accepted.
 *
 * <pre>{@code
 * List<String> texts = TextLines.read(Path.of("captions.txt"), "--texts");
 * TextLines.requireNoEmptyLine(texts, Path.of("captions.txt"), "--texts");
 * }</pre>
 */
public final class TextLines {
    private TextLines() {}

    /** The lines of {@code file}; {@code option} (may be null) prefixes messages. */
    public static List<String> read(Path file, String option) {
        String where = (option == null ? "" : option + " ") + file;
        if (Files.isDirectory(file)) throw new IllegalArgumentException(where + " is a folder, not a text file");
        if (Files.exists(file) && !Files.isRegularFile(file)) throw new IllegalArgumentException(where + " is not a regular file");
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read (" + e.getMessage() + ")", e);
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0, lineNo = 1;
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) start = 3; // BOM
        while (start < b.length) {
            int end = start;
            while (end < b.length && b[end] != '\n') end++;
            int stop = end > start && b[end - 1] == '\r' ? end - 1 : end;
            lines.add(decode(dec, b, start, stop, where, lineNo));
            start = end + 1;
            lineNo++;
        }
        return lines;
    }

    /** Throws naming the first empty (or blank) line: each line is one text, so rows must match lines. */
    public static void requireNoEmptyLine(List<String> lines, Path file, String option) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new IllegalArgumentException((option == null ? "" : option + " ") + file + " line " + (i + 1)
                        + " is empty: each line is one text and gives one row; remove empty lines");
            }
        }
    }

    private static String decode(CharsetDecoder dec, byte[] b, int from, int to, String where, int lineNo) {
        dec.reset();
        ByteBuffer in = ByteBuffer.wrap(b, from, to - from);
        try {
            CharBuffer out = dec.decode(in);
            return out.toString();
        } catch (CharacterCodingException e) {
            int at = in.position() - from;
            throw new IllegalArgumentException(where + " line " + lineNo + ": invalid UTF-8 at byte " + (at + 1)
                    + " of the line (the file must be UTF-8 text)");
        }
    }
}
