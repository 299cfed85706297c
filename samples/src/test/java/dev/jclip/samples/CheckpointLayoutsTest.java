package dev.jclip.samples;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every layout of {@code ../shared/fixtures/formats/} (see its README) through {@code clip embed
 * --checkpoint PATH --inputs ...} at the default dtype gives its reference within 2e-5 x
 * max|reference|; {@code clip convert} of each gives a file with exactly the reference model's
 * tensors (names and shapes: what a strict open_clip load accepts) that embeds the same.
 */
class CheckpointLayoutsTest {
    static final String[] OUTPUTS = {"image_features", "text_features", "logits_per_image", "logits_per_text"};

    static Path formats() { return EmbedCommandTest.fixtures().resolve("formats"); }

    /** (model, path under formats/model, reference file). */
    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        for (String m : List.of("vit_a", "resnet_b")) {
            boolean vit = m.equals("vit_a");
            String jit = vit ? "ViT-B-32.pt" : "RN50.pt";
            List<String[]> rows = new ArrayList<>(List.of(
                    new String[]{"open_clip_pytorch_model.bin", "ref_fp32"}, new String[]{"open_clip_model.safetensors", "ref_fp32"},
                    new String[]{"openclip_gelu", "ref_gelu"}, new String[]{"epoch_3.pt", "ref_fp32"},
                    new String[]{"epoch_3_torch2style.pt", "ref_fp32"}, new String[]{"epoch_latest_compiled.pt", "ref_fp32"},
                    new String[]{"module_prefix.safetensors", "ref_fp32"}, new String[]{"openai_fp16_mixed.pt", "ref_fp16mixed_as_cpu"},
                    new String[]{"openai_fp16_mixed.safetensors", "ref_fp16mixed_as_cpu"}, new String[]{"openai_fp16_all.pt", "ref_fp16all_as_cpu"},
                    new String[]{"open_clip_bf16.pt", "ref_bf16_as_fp32"}, new String[]{"jit_fp32/" + jit, "ref_fp32"},
                    new String[]{"jit_fp16/" + jit, "ref_fp16mixed_as_cpu"}, new String[]{"logit_scale_1d.safetensors", "ref_fp32"}));
            if (vit) {
                rows.addAll(List.of(new String[]{"hf", "ref_fp32"}, new String[]{"hf_bin", "ref_fp32"},
                        new String[]{"hf_fp16", "ref_fp16all_as_cpu"}, new String[]{"hf_gelu", "ref_gelu"},
                        new String[]{"hf_heads2", "ref_heads2"}, new String[]{"hf_sharded", "ref_fp32"}));
            }
            for (String[] r : rows) out.add(Arguments.of(m, r[0], r[1]));
        }
        return out.stream();
    }

    @TempDir Path dir;

    static int run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        assertEquals(0, rc, () -> String.join(" ", args) + " failed: " + err);
        return rc;
    }

    /** Embeds {@code checkpoint} with the model's inputs and returns the worst error / max|ref| over the four outputs. */
    double embedError(String model, Path checkpoint, String ref, String label) {
        Path inputs = EmbedCommandTest.fixtures().resolve("models").resolve(model).resolve("inputs.safetensors");
        Path out = dir.resolve("out-" + Math.abs(label.hashCode()) + ".safetensors");
        run("embed", "--checkpoint", checkpoint.toString(), "--inputs", inputs.toString(), "--out", out.toString());
        double worst = 0;
        try (StateDict got = Safetensors.read(out); StateDict exp = Safetensors.read(formats().resolve(model).resolve(ref + ".safetensors"))) {
            for (String k : OUTPUTS) {
                assertArrayEquals(exp.get(k).shape(), got.get(k).shape(), label + " " + k);
                float[] e = exp.get(k).toFloatArray(), g = got.get(k).toFloatArray();
                double max = 0, diff = 0;
                for (int i = 0; i < e.length; i++) {
                    max = Math.max(max, Math.abs(e[i]));
                    diff = Math.max(diff, Math.abs(e[i] - g[i]));
                }
                worst = Math.max(worst, diff / max);
            }
        }
        return worst;
    }

    @ParameterizedTest(name = "{0}/{1} = {2}")
    @MethodSource("layouts")
    void everyLayoutGivesItsReference(String model, String path, String ref) {
        double err = embedError(model, formats().resolve(model).resolve(path), ref, model + "/" + path);
        System.out.printf("layout %-8s %-32s %-22s max|err|/max|ref| = %.2e%n", model, path, ref, err);
        assertTrue(err <= 2e-5, model + "/" + path + ": error " + err + " x max|reference| > 2e-5");
    }

    @ParameterizedTest(name = "convert {0}/{1}")
    @MethodSource("layouts")
    void convertedFileIsStrictAndEmbedsTheSame(String model, String path, String ref) {
        Path out = dir.resolve("converted.safetensors");
        run("convert", formats().resolve(model).resolve(path).toString(), out.toString());
        Path refModel = EmbedCommandTest.fixtures().resolve("models").resolve(model).resolve("model.safetensors");
        try (StateDict got = Safetensors.read(out); StateDict exp = Safetensors.read(refModel)) {
            // a strict open_clip / openai load_state_dict: the same keys, the same shapes, nothing else
            assertEquals(new ArrayList<>(exp.names()).stream().sorted().toList(), new ArrayList<>(got.names()).stream().sorted().toList(),
                    model + "/" + path + ": tensor names");
            for (String k : exp.names()) assertArrayEquals(exp.get(k).shape(), got.get(k).shape(), k);
            assertNotNull(got.metadata().get("config"));
            assertNotNull(got.metadata().get("config_source"));
            if (path.startsWith("jit")) {
                assertEquals(model.equals("vit_a") ? "32" : "64", got.metadata().get("input_resolution"), "TorchScript buffers kept as metadata");
            }
            for (TensorData t : got.tensors().values()) assertTrue(t.dtype().isFloatingPoint() || t.dtype().name().equals("I64"), t.toString());
        }
        double err = embedError(model, out, ref, "converted " + model + "/" + path);
        assertTrue(err <= 2e-5, "converted " + model + "/" + path + ": error " + err);
    }

    @Test void bigVocabFolderBringsItsTokenizer() throws Exception {
        Path folder = formats().resolve("bigvocab_hf");
        Path out = dir.resolve("t.safetensors");
        run("embed", "--checkpoint", folder.toString(), "--texts", folder.resolve("bigvocab_texts.txt").toString(), "--out", out.toString());
        assertTextsMatch(out, folder);
        // the self-contained file carries the tokenizer: no --vocab, no folder
        Path converted = dir.resolve("bigvocab.safetensors");
        run("convert", folder.toString(), converted.toString());
        Path out2 = dir.resolve("t2.safetensors");
        run("embed", "--checkpoint", converted.toString(), "--texts", folder.resolve("bigvocab_texts.txt").toString(), "--out", out2.toString());
        assertTextsMatch(out2, folder);
    }

    private static void assertTextsMatch(Path out, Path folder) {
        try (StateDict got = Safetensors.read(out); StateDict exp = Safetensors.read(folder.resolve("bigvocab_ref_text.safetensors"))) {
            long[] shape = exp.get("text_features").shape();
            assertArrayEquals(shape, got.get("text_features").shape());
            float[] e = exp.get("text_features").toFloatArray(), g = got.get("text_features").toFloatArray();
            int d = (int) shape[1];
            double worst = 0;
            for (int r = 0; r < shape[0]; r++) {
                double n = 0;
                for (int j = 0; j < d; j++) n += (double) e[r * d + j] * e[r * d + j];
                n = Math.sqrt(n);
                for (int j = 0; j < d; j++) worst = Math.max(worst, Math.abs(e[r * d + j] / n - g[r * d + j]));
            }
            System.out.printf("layout bigvocab_hf texts (normalised) max|err| = %.2e%n", worst);
            assertTrue(worst <= 2e-5, "bigvocab texts: " + worst);
        }
    }

    @Test void convertedOpenAiFileNeedsNoVocab() throws Exception {
        Path jit = formats().resolve("vit_a/jit_fp16/ViT-B-32.pt");
        Path out = dir.resolve("openai.safetensors");
        run("convert", jit.toString(), out.toString());
        double err = embedError("vit_a", out, "ref_fp16mixed_as_cpu", "converted openai");
        assertTrue(err <= 2e-5);
        try (StateDict got = Safetensors.read(out)) {
            assertTrue(got.metadata().get("config_source").startsWith("inferred"), got.metadata().get("config_source"));
            assertEquals("F16", got.get("visual.conv1.weight").dtype().name(), "convert keeps the file's dtypes");
        }
    }

    @Test void infoShowsWhereEachFieldCameFrom() {
        StringWriter o = new StringWriter();
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setOut(new PrintWriter(o));
        assertEquals(0, cl.execute("info", formats().resolve("vit_a/hf_heads2").toString()));
        String s = o.toString();
        assertTrue(s.contains("layout:       Hugging Face CLIPModel folder"), s);
        assertTrue(s.matches("(?s).*vision_cfg\\.heads\\s+2\\s+config\\.json \\(vision_config\\.num_attention_heads\\).*"), s);
        o.getBuffer().setLength(0);
        assertEquals(0, cl.execute("info", formats().resolve("vit_a/jit_fp32/ViT-B-32.pt").toString()));
        s = o.toString();
        assertTrue(s.contains("metadata:     input_resolution = 32") && s.contains("note:") && s.contains("assumed (openai/CLIP build_model's rule)"), s);
        assertTrue(s.contains("tensors:      ") && !s.contains("input_resolution  "), s);
    }

    @Test void wrongOutputsAreRefused() throws Exception {
        Path in = formats().resolve("vit_a/open_clip_model.safetensors");
        for (String bad : List.of("x.pt", "x.bin")) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new ClipCommand());
            cl.setErr(new PrintWriter(err));
            assertNotEquals(0, cl.execute("convert", in.toString(), dir.resolve(bad).toString()));
            assertTrue(err.toString().contains("safetensors"), err.toString());
            assertFalse(Files.exists(dir.resolve(bad)));
        }
        Path copy = Files.copy(in, dir.resolve("same.safetensors"));
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setErr(new PrintWriter(err));
        assertNotEquals(0, cl.execute("convert", copy.toString(), copy.toString()));
        assertTrue(err.toString().contains("is the input"), err.toString());
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(copy), "the input is untouched");
        assertTrue(Arrays.asList(OUTPUTS).contains("image_features"));
    }
}
