package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API around the reference behaviour: context length, truncation, decode, threads. */
class ClipTokenizerTest {
    private final ClipTokenizer tok = TestData.tokenizer();

    @Test
    void readmeExampleTokens() {
        int[][] ids = tok.tokenizeIds(List.of("a diagram", "a dog", "a cat"), 77, false);
        assertArrayEquals(new int[] {49406, 320, 22697, 49407}, java.util.Arrays.copyOf(ids[0], 4));
        assertArrayEquals(new int[] {49406, 320, 1929, 49407}, java.util.Arrays.copyOf(ids[1], 4));
        assertArrayEquals(new int[] {49406, 320, 2368, 49407}, java.util.Arrays.copyOf(ids[2], 4));
        assertEquals(0, ids[2][76]);
        long[] flat = tok.tokenizeFlat(List.of("a diagram", "a dog"), 77, false);
        assertEquals(154, flat.length);
        assertEquals(1929L, flat[77 + 2]);
    }

    @Test
    void contextLengthAndTruncation() {
        String text = "a photo of a dog"; // 5 ids + sot + eot = 7
        assertEquals(7, tok.tokenizeIds(List.of(text), 7, false)[0].length);
        TextTooLongException e = assertThrows(TextTooLongException.class,
                () -> tok.tokenizeIds(List.of("fine", text), 6, false));
        assertEquals(1, e.index());
        assertEquals(7, e.tokenCount());
        assertTrue(e.getMessage().contains("too long for context length 6"), e.getMessage());
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 49407}, tok.tokenizeIds(List.of(text), 6, true)[0]);
        assertArrayEquals(new int[] {49407}, tok.tokenizeIds(List.of(text), 1, true)[0]);
        assertThrows(IllegalArgumentException.class, () -> tok.tokenizeIds(List.of(text), 0, true));
    }

    @Test
    void decodeQuirksAndErrors() {
        assertEquals("hello <|endoftext|>world ", tok.decode(tok.encode("hello <|endoftext|>world")));
        assertEquals("a </ w > b ", tok.decode(tok.encode("a</w>b")));
        // a lone continuation byte symbol decodes to U+FFFD, like errors="replace"
        assertEquals("\ufffd", tok.decode(new int[] {tok.vocabulary().id(String.valueOf(BytesToUnicode.charOf(0x80)))}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {320, 49408}));
        assertTrue(e.getMessage().contains("49408") && e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
    }

    @Test
    void sameResultsFromManyThreadsOnOneColdCache() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) texts.add("photo number " + i + " of a naïve " + (char) ('a' + i % 26) + "og #" + i * 7);
        java.util.Map<String, int[]> expected = new java.util.HashMap<>();
        int[][] ids = tok.tokenizeIds(texts, 77, false);
        for (int i = 0; i < texts.size(); i++) expected.put(texts.get(i), ids[i]);

        ClipTokenizer cold = new ClipTokenizer(tok.vocabulary()); // empty cache, shared by all threads
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                List<String> order = new ArrayList<>(texts);
                Collections.shuffle(order, new java.util.Random(t));
                done.add(pool.submit(() -> {
                    int[][] r = cold.tokenizeIds(order, 77, false);
                    for (int i = 0; i < order.size(); i++) assertArrayEquals(expected.get(order.get(i)), r[i], order.get(i));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
