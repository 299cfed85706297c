package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's split pattern (expected values from the Python {@code regex} module). */
class PreTokenizerTest {
    @Test
    void alternativesInOrder() {
        assertEquals(List.of("it", "'s", "1", "2", "<|endoftext|>", "!!"), PreTokenizer.split("it's 12 <|endoftext|>!!"));
        assertEquals(List.of("'s", "t"), PreTokenizer.split("'st"));
        assertEquals(List.of("it", "'", "s"), PreTokenizer.split("it ' s"));
        assertEquals(List.of("we", "'re", "'ll", "'ve", "'d", "'m", "'t"), PreTokenizer.split("we're'll've'd'm't"));
        assertEquals(List.of("!<|", "endoftext", "|>"), PreTokenizer.split("!<|endoftext|>"));
        assertEquals(List.of("\ud83d\ude00\ud83d\ude03...", "a"), PreTokenizer.split("\ud83d\ude00\ud83d\ude03... a")); // one symbol run
    }

    @Test
    void unicodeCategories() {
        // combining marks are not letters: the word splits around them
        assertEquals(List.of("\u0915", "\u093f", "\u0924"), PreTokenizer.split("\u0915\u093f\u0924"));
        assertEquals(List.of("i", "\u0307"), PreTokenizer.split("i\u0307"));
        // each number character is a token, including non-ASCII digits and fractions
        assertEquals(List.of("\u0663", "\u00bd", "\u216b"), PreTokenizer.split("\u0663\u00bd\u216b"));
        // NBSP and U+3000 separate, U+001C does not
        assertEquals(List.of("a", "b", "c"), PreTokenizer.split("a\u00a0b\u3000c"));
        assertEquals(List.of("a", "\u001c", "b"), PreTokenizer.split("a\u001cb"));
        // U+0345 matches nothing in the reference (regex module, IGNORECASE): dropped
        assertEquals(List.of("a", "!", "b"), PreTokenizer.split("a\u0345!\u0345b"));
    }

    @Test
    void ignoreCaseFoldsLongS() {
        assertEquals(List.of("'\u017f"), PreTokenizer.split("'\u017f"));
        int[] kinds = new int[1];
        PreTokenizer.scan("<|\u017ftartoftext|>", (t, s, e, k) -> kinds[0] = k);
        assertEquals(PreTokenizer.WORD, kinds[0], "matched like the literal, but not the special token");
    }
}
