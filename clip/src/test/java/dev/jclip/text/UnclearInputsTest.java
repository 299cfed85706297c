package dev.jclip.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 17 item 11: empty vocabularies refused, "too long" names the text briefly, text files report lines. */
class UnclearInputsTest {
    @TempDir Path dir;

    @Test void emptyVocabularyIsRefused() throws Exception {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.fromOpenAi(empty));
        assertTrue(e.getMessage().contains("empty.txt") && e.getMessage().contains("no BPE merges (empty file)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BpeVocabulary.fromOpenAi(new ByteArrayInputStream("#version: 0.2\n".getBytes()), "header-only", 10));
        Path vocab = Files.writeString(dir.resolve("vocab.json"), "{\"a\": 2147483646}");
        Files.writeString(dir.resolve("merges.txt"), "a b\n");
        e = assertThrows(IllegalArgumentException.class, () -> BpeVocabulary.load(vocab));
        assertTrue(e.getMessage().contains("id 2147483646 but only 1 tokens"), e.getMessage());
    }

    @Test void tooLongTextIsShownBrieflyWithItsIndex() {
        String huge = "word ".repeat(200_000); // 1 MB
        TextTooLongException e = assertThrows(TextTooLongException.class,
                () -> ClipTokenizer.bytesOnly().tokenizeIds(List.of("ok", huge), 77, false));
        assertEquals(1, e.index());
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().contains("(1,000,000 characters)") && e.getMessage().contains("text #1"), e.getMessage());
        assertEquals(41, e.shifted(40).index());
    }

    @Test void textLinesNameFileAndLine() throws Exception {
        Path f = Files.write(dir.resolve("t.txt"), new byte[]{(byte) 0xef, (byte) 0xbb, (byte) 0xbf, 'a', '\r', '\n', 'b', '\n'});
        assertEquals(List.of("a", "b"), TextLines.read(f, "--texts"));
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[]{'a', '\n', 'b', '\n', 'x', 'y', (byte) 0xc3, '\n'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextLines.read(bad, "--texts"));
        assertEquals("--texts " + bad + " line 3: invalid UTF-8 at byte 3 of the line (the file must be UTF-8 text)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextLines.requireNoEmptyLine(List.of("a", " "), f, "--texts"));
        assertTrue(e.getMessage().contains("line 2 is empty"), e.getMessage());
    }
}
