package dev.jclip.model;

import dev.jclip.io.CheckpointException;
import dev.jclip.progress.Notices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Bad checkpoints give one-line errors naming the file and the field (issue: "Bad input"). */
class CheckpointLoadErrorsTest {
    @TempDir Path dir;

    static Path formats() { return Fixtures.root().resolve("formats"); }

    private Path copyFolder(String rel, String... skip) throws IOException {
        Path src = formats().resolve(rel), dst = Files.createDirectories(dir.resolve(rel.replace('/', '_')));
        try (var s = Files.list(src)) {
            for (Path p : s.toList()) {
                if (java.util.Arrays.asList(skip).contains(p.getFileName().toString())) continue;
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    private static String fail(Path p, LoadedClip.Options o) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> LoadedClip.load(p, o).close());
        assertTrue(e instanceof IllegalArgumentException || e instanceof CheckpointException, e.toString());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static String fail(Path p) { return fail(p, LoadedClip.Options.defaults()); }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertTrue(s.contains(from), from);
        Files.writeString(file, s.replace(from, to));
    }

    @Test void folderWithoutWeights() throws IOException {
        Path d = copyFolder("vit_a/hf", "model.safetensors");
        String m = fail(d);
        assertTrue(m.contains(d.toString()) && m.contains("holds no weights") && m.contains("model.safetensors"), m);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        m = fail(empty);
        assertTrue(m.contains("config.json") && m.contains("open_clip_config.json"), m);
    }

    @Test void unknownModelTypeAndActivation() throws IOException {
        Path d = copyFolder("vit_a/hf");
        edit(d.resolve("config.json"), "\"model_type\": \"clip\",", "\"model_type\": \"siglip\",");
        String m = fail(d);
        assertTrue(m.contains("config.json") && m.contains("model_type") && m.contains("siglip"), m);
        Path g = copyFolder("vit_a/hf_gelu");
        edit(g.resolve("config.json"), "\"hidden_act\": \"gelu\",\n    \"hidden_size\": 64,\n    \"image_size\"",
                "\"hidden_act\": \"swish\",\n    \"hidden_size\": 64,\n    \"image_size\"");
        m = fail(g);
        assertTrue(m.contains("config.json") && m.contains("vision_config.hidden_act") && m.contains("swish"), m);
    }

    @Test void shardMissingFromIndexAndLoneShard() throws IOException {
        Path d = copyFolder("vit_a/hf_sharded", "model-00002-of-00002.safetensors");
        String m = fail(d);
        assertTrue(m.contains("model.safetensors.index.json") && m.contains("model-00002-of-00002.safetensors") && m.contains("missing"), m);
        for (String shard : new String[]{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
            m = fail(formats().resolve("vit_a/hf_sharded").resolve(shard));
            assertTrue(m.contains("one shard of 2") && !m.contains("ResNet"), m);
        }
    }

    @Test void tokenizerOfAnotherVocabulary() throws IOException {
        Path d = copyFolder("vit_a/hf");
        Files.copy(formats().resolve("hf_tokenizer/vocab.json"), d.resolve("vocab.json"));
        Files.copy(formats().resolve("hf_tokenizer/merges.txt"), d.resolve("merges.txt"));
        String m = fail(d);
        assertTrue(m.contains("vocab.json") && m.contains("49408") && m.contains("vocab_size is 64"), m);
        Files.delete(d.resolve("merges.txt"));
        m = fail(d);
        assertTrue(m.contains("vocab.json") && m.contains("merges.txt"), m);
    }

    @Test void configContradictingTheWeights() throws IOException {
        Path d = copyFolder("vit_a/hf");
        edit(d.resolve("config.json"), "\"intermediate_size\": 256,\n    \"layer_norm_eps\": 1e-05,\n    \"model_type\": \"clip_vision_model\"",
                "\"intermediate_size\": 512,\n    \"layer_norm_eps\": 1e-05,\n    \"model_type\": \"clip_vision_model\"");
        String m = fail(d);
        assertTrue(m.contains("config.json") && m.contains("vision_config.intermediate_size") && m.contains("512")
                && m.contains("visual.transformer.resblocks.0.mlp.c_fc.weight"), m);
        Path o = copyFolder("vit_a/openclip_gelu");
        edit(o.resolve("open_clip_config.json"), "\"layers\": 2", "\"layers\": 3");
        m = fail(o);
        assertTrue(m.contains("open_clip_config.json") && m.contains("text_cfg.layers") && m.contains("transformer.resblocks"), m);
    }

    @Test void modelNameContradictingTheCheckpoint() {
        String m = fail(formats().resolve("vit_a/hf"), LoadedClip.Options.defaults().withModel("ViT-B-32"));
        assertTrue(m.contains("--model ViT-B-32") && m.contains("config.json"), m);
        m = fail(formats().resolve("vit_a/open_clip_model.safetensors"), LoadedClip.Options.defaults().withModel("ViT-B-32"));
        assertTrue(m.contains("--model ViT-B-32") && m.contains("contradicts the weights"), m);
    }

    @Test void headsAndGeluComeFromTheConfig() {
        try (LoadedClip c = LoadedClip.load(formats().resolve("vit_a/hf_heads2"), LoadedClip.Options.defaults())) {
            assertEquals(2, c.architecture().visionHeads());
            assertEquals(2, c.architecture().transformerHeads());
            assertEquals(ArchitectureResolver.Kind.CONFIG, c.resolution().kind());
            assertTrue(c.resolution().sources().get("vision_cfg.heads").contains("vision_config.num_attention_heads"));
        }
        try (LoadedClip c = LoadedClip.load(formats().resolve("vit_a/openclip_gelu"), LoadedClip.Options.defaults())) {
            assertFalse(c.architecture().quickGelu());
        }
        java.util.List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        Notices.to(notices::add);
        try (LoadedClip c = LoadedClip.load(formats().resolve("vit_a/open_clip_model.safetensors"), LoadedClip.Options.defaults())) {
            assertEquals(ArchitectureResolver.Kind.INFERRED, c.resolution().kind());
            assertTrue(c.note().contains("QuickGELU") && c.note().contains("heads"), c.note());
            assertEquals(java.util.List.of("open_clip_model.safetensors: " + c.note()), notices, "one notice, naming the file");
            assertEquals(dev.jclip.torch.DType.F32, c.model().dtype());
        } finally {
            Notices.to(null);
        }
    }

    @Test void olderConfigDictsWinAsInTransformers() throws IOException {
        Path d = copyFolder("vit_a/hf");
        // LAION-era configs: text_config_dict overrides text_config
        edit(d.resolve("config.json"), "\"torch_dtype\": \"float32\",",
                "\"torch_dtype\": \"float32\", \"text_config_dict\": {\"hidden_act\": \"gelu\"}, \"vision_config_dict\": {\"hidden_act\": \"gelu\"},");
        try (LoadedClip c = LoadedClip.load(d, LoadedClip.Options.defaults())) {
            assertFalse(c.architecture().quickGelu());
        }
    }

    @Test void halfWeightsComputeInFloat32OnTheCpuUnlessAsked() {
        Path f = formats().resolve("vit_a/openai_fp16_all.pt");
        try (LoadedClip c = LoadedClip.load(f, LoadedClip.Options.defaults())) {
            assertEquals(dev.jclip.torch.DType.F32, c.model().dtype());
        }
        try (LoadedClip c = LoadedClip.load(f, LoadedClip.Options.defaults().withDtype(dev.jclip.torch.DType.F16))) {
            assertEquals(dev.jclip.torch.DType.F16, c.model().dtype());
        }
    }
}
