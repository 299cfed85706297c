package dev.jclip.text;

import dev.jclip.testing.SharedFiles;
import java.nio.file.Path;

/** Locations of the third-party test data (read in place, never copied into the project). */
final class TestData {
    private TestData() {}

    static Path fixtures() {
        return SharedFiles.fixtures();
    }

    static Path data() {
        return SharedFiles.data();
    }

    /** OpenAI's merges file (the {@link SharedFiles} policy when it is missing). */
    static Path openAiVocab() {
        return SharedFiles.data("bpe_simple_vocab_16e6.txt.gz");
    }

    private static ClipTokenizer shared;

    /** One tokenizer over the real vocabulary, shared by the tests of this package. */
    static synchronized ClipTokenizer tokenizer() {
        if (shared == null) shared = ClipTokenizer.load(openAiVocab());
        return shared;
    }
}
