package dev.jclip.text;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locations of the third-party test data (read in place, never copied into the project). */
final class TestData {
    private TestData() {}

    static Path fixtures() {
        return Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures"));
    }

    static Path data() {
        return Path.of(System.getProperty("jclip.data", "../shared/data"));
    }

    /** OpenAI's merges file; tests fail loudly when it is missing (it is required test data). */
    static Path openAiVocab() {
        Path p = data().resolve("bpe_simple_vocab_16e6.txt.gz");
        if (!Files.isRegularFile(p)) throw new IllegalStateException("no vocabulary at " + p.toAbsolutePath());
        return p;
    }

    private static ClipTokenizer shared;

    /** One tokenizer over the real vocabulary, shared by the tests of this package. */
    static synchronized ClipTokenizer tokenizer() {
        if (shared == null) shared = ClipTokenizer.load(openAiVocab());
        return shared;
    }
}
