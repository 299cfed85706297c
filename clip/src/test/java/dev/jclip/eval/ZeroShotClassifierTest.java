package dev.jclip.eval;

import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ZeroShotClassifierTest {
    static StandInEncoder enc;
    static PromptTokenizer tok;
    static final List<String> CLASSES = List.of("a diagram", "a dog", "a cat");
    static final PromptTemplates TEMPLATES = PromptTemplates.of(List.of("a photo of {}.", "{}", "a drawing of {}, {{sic}}"));

    @BeforeAll static void setUp() {
        enc = new StandInEncoder(16, 514, 32, 32, 3);
        tok = PromptTokenizer.of(ClipTokenizer.bytesOnly(), 32);
    }

    @AfterAll static void tearDown() { enc.close(); }

    @Test void weightsAreTheRenormalisedMeanOfNormalisedPromptEmbeddings() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(enc, tok, CLASSES, TEMPLATES, 2); // batch 2 splits classes across batches
        assertEquals(3, zs.weights().rows());
        try (Scope s = Scope.open(); var g = Torch.noGrad()) {
            for (int c = 0; c < CLASSES.size(); c++) {
                // the reference's loop, literally, with tensor ops
                Tensor e = enc.encodeText(tok.tokenize(TEMPLATES.apply(CLASSES.get(c))));
                e = e.div(e.norm(-1, true));
                Tensor m = e.mean(0, false);
                m = m.div(m.norm(-1, true));
                assertArrayEquals(m.toFloatArray(), zs.weights().row(c), 1e-6f, "class " + c);
            }
        }
        assertEquals(List.of("a drawing of a cat, {sic}"), List.of(TEMPLATES.apply("a cat").get(2)));
    }

    @Test void logitsAreHundredTimesCosineAndTopKIsSortedWithSoftmaxProbabilities() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(enc, tok, CLASSES, TEMPLATES, 64);
        Features img = new Features(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                -1, 0, 2, 0, 1, 0, 0, 0, 3, 0, 0, 1, 0, 0, 0, 5}, 2, 16);
        float[] logits = zs.logits(img);
        Features unit = img.normalized();
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                double dot = 0;
                for (int j = 0; j < 16; j++) dot += unit.row(i)[j] * zs.weights().row(c)[j];
                assertEquals(100 * dot, logits[i * 3 + c], 1e-4);
            }
        }
        List<List<ZeroShotClassifier.Prediction>> top = zs.topK(img, 5);
        for (List<ZeroShotClassifier.Prediction> row : top) {
            assertEquals(3, row.size(), "k is capped at the class count");
            assertTrue(row.get(0).logit() >= row.get(1).logit() && row.get(1).logit() >= row.get(2).logit());
            assertEquals(1.0, row.stream().mapToDouble(ZeroShotClassifier.Prediction::probability).sum(), 1e-6);
            double z = 0;
            for (var p : row) z += Math.exp(p.logit() - row.get(0).logit());
            assertEquals(1 / z, row.get(0).probability(), 1e-6);
        }
        assertEquals(1, zs.topK(img, 1).get(0).size());
        assertThrows(IllegalArgumentException.class, () -> zs.logits(new Features(new float[4], 1, 4)));
    }

    @Test void emptyClassListIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ZeroShotClassifier.build(enc, tok, List.of(), TEMPLATES, 8));
        assertTrue(e.getMessage().contains("empty class list"));
    }

    @Test void cacheStoresAndReusesWeightsKeyedByInputs(@TempDir Path dir) throws Exception {
        Path ckpt = Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3});
        ClassifierCache cache = new ClassifierCache(dir.resolve("cache"));
        int[] builds = {0};
        java.util.function.Supplier<ZeroShotClassifier> build = () -> {
            builds[0]++;
            return ZeroShotClassifier.build(enc, tok, CLASSES, TEMPLATES, 64);
        };
        ZeroShotClassifier a = cache.getOrBuild(ckpt, "bytes", CLASSES, TEMPLATES, build);
        assertFalse(cache.lastWasHit());
        ZeroShotClassifier b = cache.getOrBuild(ckpt, "bytes", CLASSES, TEMPLATES, build);
        assertTrue(cache.lastWasHit());
        assertEquals(1, builds[0]);
        assertArrayEquals(a.weights().data(), b.weights().data(), 0f);
        assertEquals(CLASSES, b.classes());
        // Any change of classes, templates, tokenizer or checkpoint means a new key.
        String k = ClassifierCache.key(ckpt, "bytes", CLASSES, TEMPLATES);
        assertNotEquals(k, ClassifierCache.key(ckpt, "bytes", List.of("a dog", "a diagram", "a cat"), TEMPLATES));
        assertNotEquals(k, ClassifierCache.key(ckpt, "bytes", CLASSES, PromptTemplates.single()));
        assertNotEquals(k, ClassifierCache.key(ckpt, "bpe", CLASSES, TEMPLATES));
        Files.write(ckpt, new byte[]{1, 2, 3, 4});
        assertNotEquals(k, ClassifierCache.key(ckpt, "bytes", CLASSES, TEMPLATES));
        cache.getOrBuild(ckpt, "bytes", CLASSES, TEMPLATES, build);
        assertFalse(cache.lastWasHit());
        assertEquals(2, builds[0]);
        // A damaged cache file is rebuilt, not trusted.
        Files.writeString(cache.lastFile(), "garbage");
        cache.getOrBuild(ckpt, "bytes", CLASSES, TEMPLATES, build);
        assertFalse(cache.lastWasHit());
        assertEquals(3, builds[0]);
    }
}
