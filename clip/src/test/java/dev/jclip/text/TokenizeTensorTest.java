package dev.jclip.text;

import dev.jclip.testing.SharedFiles;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The tensor form of clip.tokenize equals the fixtures' {@code tokens_clip} (captions of the model inputs). */
class TokenizeTensorTest {
    @Test void captionsTokenizeToTheFixtureTokens() throws Exception {
        Path fixtures = SharedFiles.fixtures();
        Path vocab = SharedFiles.data("bpe_simple_vocab_16e6.txt.gz");
        ClipTokenizer tok = ClipTokenizer.load(vocab);
        for (String model : List.of("vit_a", "resnet_b")) {
            try (StateDict in = Safetensors.read(fixtures.resolve("models").resolve(model).resolve("inputs.safetensors"));
                 Scope s = Scope.open()) {
                List<String> captions = List.of(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readValue(in.metadata().get("captions"), String[].class));
                Tensor t = tok.tokenize(captions, 77, true);
                assertEquals(DType.I64, t.dtype());
                assertArrayEquals(new long[]{captions.size(), 77}, t.shape());
                assertArrayEquals(in.get("tokens_clip").toLongArray(), t.toLongArray(), model);
            }
        }
    }
}
