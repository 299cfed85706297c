package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code clip embed} reproduces the reference's features and logits on the fixture models. */
class EmbedCommandTest {
    static Path fixtures() { return SharedFiles.fixtures(); }

    @TempDir Path dir;

    @ParameterizedTest @ValueSource(strings = {"vit_a", "resnet_b"})
    void inputsGiveTheReferenceFeaturesAndLogits(String model) {
        Path m = fixtures().resolve("models").resolve(model);
        Path out = dir.resolve(model + ".safetensors");
        int rc = new CommandLine(new ClipCommand()).execute("embed", "--checkpoint", m.resolve("model.safetensors").toString(),
                "--inputs", m.resolve("inputs.safetensors").toString(), "--out", out.toString());
        assertEquals(0, rc);
        try (StateDict got = Safetensors.read(out); StateDict exp = Safetensors.read(m.resolve("expected.safetensors"))) {
            for (String k : new String[]{"image_features", "text_features", "logits_per_image", "logits_per_text"}) {
                float[] e = exp.get(k).toFloatArray(), g = got.get(k).toFloatArray();
                assertArrayEquals(exp.get(k).shape(), got.get(k).shape(), k);
                float max = 0;
                for (float v : e) max = Math.max(max, Math.abs(v));
                assertArrayEquals(e, g, 2e-5f * max, model + " " + k);
            }
        }
    }

    @Test void imagesAreNormalisedAndBadFilesSkipped() throws Exception {
        Path m = fixtures().resolve("models/vit_a/model.safetensors");
        Path bad = Files.writeString(dir.resolve("broken.jpg"), "not a jpeg");
        Path png = fixtures().resolve("preprocess/rgb_73x64.png");
        Path out = dir.resolve("img.safetensors");
        int rc = new CommandLine(new ClipCommand()).execute("embed", "--checkpoint", m.toString(), "--images",
                png.toString(), bad.toString(), SharedFiles.data("CLIP.png").toString(), "--out", out.toString());
        assertEquals(1, rc, "a skipped file makes the exit code 1");
        try (StateDict got = Safetensors.read(out)) {
            assertArrayEquals(new long[]{2, 32}, got.get("image_features").shape(), "embed_dim of vit_a is 32");
            float[] f = got.get("image_features").toFloatArray();
            for (int r = 0; r < 2; r++) {
                double s = 0;
                for (int j = 0; j < 32; j++) s += f[r * 32 + j] * f[r * 32 + j];
                assertEquals(1.0, s, 1e-5);
            }
            assertTrue(got.metadata().get("names").contains("rgb_73x64.png") && !got.metadata().get("names").contains("broken"));
        }
    }

    @Test void textsWithoutATokenizerNameTheProblem() throws Exception {
        Path texts = Files.writeString(dir.resolve("t.txt"), "a dog\n");
        var err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setErr(new java.io.PrintWriter(err));
        int rc = cl.execute("embed", "--checkpoint", fixtures().resolve("models/vit_a/model.safetensors").toString(),
                "--texts", texts.toString(), "--out", dir.resolve("t.safetensors").toString());
        assertNotEquals(0, rc);
        assertFalse(Files.exists(dir.resolve("t.safetensors")));
    }
}
