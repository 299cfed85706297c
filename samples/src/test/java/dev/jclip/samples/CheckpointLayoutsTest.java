package dev.jclip.samples;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.CheckpointFiles;
import dev.jclip.model.ArchitectureResolver;
import dev.jclip.model.ClipArchitecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
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

    /** What each layout of the fixtures' README must give. */
    static final String[][] RULES = {
            {"open_clip_pytorch_model.bin", "ref_fp32"}, {"open_clip_model.safetensors", "ref_fp32"}, {"openclip_gelu", "ref_gelu"},
            {"epoch_3.pt", "ref_fp32"}, {"epoch_3_torch2style.pt", "ref_fp32"}, {"epoch_latest_compiled.pt", "ref_fp32"},
            {"module_prefix.safetensors", "ref_fp32"}, {"openai_fp16_mixed.pt", "ref_fp16mixed_as_cpu"},
            {"openai_fp16_mixed.safetensors", "ref_fp16mixed_as_cpu"}, {"openai_fp16_all.pt", "ref_fp16all_as_cpu"},
            {"open_clip_bf16.pt", "ref_bf16_as_fp32"}, {"jit_fp32", "ref_fp32"}, {"jit_fp16", "ref_fp16mixed_as_cpu"},
            {"logit_scale_1d.safetensors", "ref_fp32"}, {"hf", "ref_fp32"}, {"hf_bin", "ref_fp32"}, {"hf_fp16", "ref_fp16all_as_cpu"},
            {"hf_gelu", "ref_gelu"}, {"hf_heads2", "ref_heads2"}, {"hf_sharded", "ref_fp32"}};

    /**
     * (model, path under formats/model, reference file) for every model folder of the fixture set
     * (a folder with {@code ref_fp32.safetensors}), so that another set in the same layouts is
     * checked the same way; each model must have at least the layouts common to ViT and ResNet.
     */
    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        List<Path> models;
        try (Stream<Path> s = Files.list(formats())) {
            models = s.filter(p -> Files.isRegularFile(p.resolve("ref_fp32.safetensors"))).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertFalse(models.isEmpty(), "no model folders in " + formats());
        for (Path m : models) {
            int found = 0;
            for (String[] r : RULES) {
                Path p = m.resolve(r[0]);
                if (!Files.exists(p)) continue;
                String rel = r[0];
                if (r[0].startsWith("jit_")) {
                    // the TorchScript file inside, named after the model as OpenAI names its releases
                    try (Stream<Path> s = Files.list(p)) {
                        rel = r[0] + "/" + s.filter(f -> f.toString().endsWith(".pt")).findFirst().orElseThrow().getFileName();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                out.add(Arguments.of(m.getFileName().toString(), rel, r[1]));
                found++;
            }
            assertTrue(found >= 14, m + ": only " + found + " of the README's layouts found");
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

    /**
     * {@code clip convert} of every layout: exactly the reference model's tensor names and shapes
     * (a strict open_clip / openai {@code load_state_dict}), every tensor bit for bit what jclip
     * reads from the source, and the recorded architecture the one resolved from the source.
     */
    @ParameterizedTest(name = "convert {0}/{1}")
    @MethodSource("layouts")
    void convertedFileIsStrictAndHoldsTheSameModel(String model, String path, String ref) {
        Path src = formats().resolve(model).resolve(path);
        Path out = dir.resolve("converted.safetensors");
        run("convert", src.toString(), out.toString());
        Path refModel = EmbedCommandTest.fixtures().resolve("models").resolve(model).resolve("model.safetensors");
        try (StateDict got = Safetensors.read(out); StateDict exp = Safetensors.read(refModel); CheckpointFiles source = CheckpointFiles.open(src)) {
            // a strict open_clip / openai load_state_dict: the same keys, the same shapes, nothing else
            assertEquals(new ArrayList<>(exp.names()).stream().sorted().toList(), new ArrayList<>(got.names()).stream().sorted().toList(),
                    model + "/" + path + ": tensor names");
            for (String k : exp.names()) assertArrayEquals(exp.get(k).shape(), got.get(k).shape(), k);
            for (String k : got.names()) assertTrue(got.get(k).sameContent(source.weights().get(k)), model + "/" + path + ": " + k + " changed");
            ClipArchitecture recorded = ClipArchitecture.fromJson(got.metadata().get("config"));
            assertEquals(ArchitectureResolver.resolve(source, null).architecture(), recorded, "recorded architecture");
            assertNotNull(got.metadata().get("config_source"));
            if (path.startsWith("jit")) {
                assertEquals(model.equals("vit_a") ? "32" : "64", got.metadata().get("input_resolution"), "TorchScript buffers kept as metadata");
            }
        }
    }

    /** Converted files embed as their sources do (a few layouts that differ in architecture, dtype and naming). */
    @ParameterizedTest(name = "converted {0}/{1}")
    @CsvSource({"vit_a,hf_gelu,ref_gelu", "vit_a,hf_heads2,ref_heads2", "vit_a,hf_sharded,ref_fp32", "vit_a,jit_fp16/ViT-B-32.pt,ref_fp16mixed_as_cpu",
            "resnet_b,openclip_gelu,ref_gelu", "resnet_b,open_clip_bf16.pt,ref_bf16_as_fp32", "resnet_b,logit_scale_1d.safetensors,ref_fp32"})
    void convertedFileEmbedsTheSame(String model, String path, String ref) {
        Path out = dir.resolve("converted.safetensors");
        run("convert", formats().resolve(model).resolve(path).toString(), out.toString());
        double err = embedError(model, out, ref, "converted " + model + "/" + path);
        System.out.printf("converted %-8s %-32s %-22s max|err|/max|ref| = %.2e%n", model, path, ref, err);
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

    /** Issue 12's one line for an architecture assumed from shapes: the library sends a notice, the CLI prints it as before. */
    @Test void assumedArchitectureIsOneLineOnStderr() throws Exception {
        Path in = formats().resolve("vit_a/open_clip_model.safetensors");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, ClipCommand.commandLine().execute("convert", in.toString(), dir.resolve("assumed.safetensors").toString()));
        } finally {
            System.setErr(old);
        }
        List<String> lines = err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("jclip: ")).toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).startsWith("jclip: open_clip_model.safetensors: no config, metadata or --model: built as openai/CLIP's "
                + "build_model would (QuickGELU, ") && lines.get(0).contains("pass --model"), lines.get(0));
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
