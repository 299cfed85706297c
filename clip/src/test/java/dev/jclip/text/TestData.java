package dev.jclip.text;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locations of the third-party test data (read in place, never copied into the project). */
final class TestData {
    private TestData() {}

    static Path fixtures() {
        return Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures"));
    }

    static Path data() {
        return Path.of(System.getProperty("jclip.data", "../shared/data"));
    }

    /** OpenAI's merges file; the test fails loudly when it is missing (it is required data). */
    static Path openAiVocab() {
        Path p = data().resolve("bpe_simple_vocab_16e6.txt.gz");
        Assumptions.assumeTrue(Files.isRegularFile(p) || !Boolean.getBoolean("jclip.skipMissingData"),
                "no vocabulary at " + p);
        return p;
    }

    private static ClipTokenizer shared;

    /** One tokenizer over the real vocabulary, shared by the tests of this package. */
    static synchronized ClipTokenizer tokenizer() {
        if (shared == null) shared = ClipTokenizer.load(openAiVocab());
        return shared;
    }
}
