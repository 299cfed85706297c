package dev.jclip.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Hugging Face and open_clip names map back onto the fixture's OpenAI names, bit for bit. */
class ClipNamesTest {
    @TempDir Path dir;

    private static StateDict vit() {
        return Safetensors.read(Fixtures.root().resolve("models/vit_a/model.safetensors"));
    }

    /** The fixture renamed the way transformers' convert script names CLIPModel (written independently here). */
    private static Map<String, TensorData> toHuggingFace(StateDict sd, Arena arena) {
        Pattern block = Pattern.compile("^(visual\\.)?transformer\\.resblocks\\.(\\d+)\\.(.+)$");
        Map<String, TensorData> hf = new LinkedHashMap<>();
        sd.tensors().forEach((k, t) -> {
            Matcher m = block.matcher(k);
            if (m.matches()) {
                String p = (m.group(1) == null ? "text_model" : "vision_model") + ".encoder.layers." + m.group(2) + ".";
                String r = m.group(3);
                if (r.startsWith("attn.in_proj_")) {
                    String kind = r.substring("attn.in_proj_".length());
                    long n = t.size(0) / 3;
                    TensorData c = t.contiguous(arena);
                    long rowElems = t.numel() / t.size(0);
                    for (int i = 0; i < 3; i++) {
                        long[] shape = c.shape();
                        shape[0] = n;
                        hf.put(p + "self_attn." + "qkv".charAt(i) + "_proj." + kind,
                                new TensorData(c.dtype(), shape, TensorData.contiguousStrides(shape), i * n * rowElems, c.storage()));
                    }
                    return;
                }
                r = r.replace("attn.out_proj.", "self_attn.out_proj.").replace("ln_1.", "layer_norm1.").replace("ln_2.", "layer_norm2.")
                        .replace("mlp.c_fc.", "mlp.fc1.").replace("mlp.c_proj.", "mlp.fc2.");
                hf.put(p + r, t);
                return;
            }
            switch (k) {
                case "text_projection" -> hf.put("text_projection.weight", t.t().contiguous(arena));
                case "visual.proj" -> hf.put("visual_projection.weight", t.t().contiguous(arena));
                case "token_embedding.weight" -> hf.put("text_model.embeddings.token_embedding.weight", t);
                case "positional_embedding" -> hf.put("text_model.embeddings.position_embedding.weight", t);
                case "ln_final.weight" -> hf.put("text_model.final_layer_norm.weight", t);
                case "ln_final.bias" -> hf.put("text_model.final_layer_norm.bias", t);
                case "visual.class_embedding" -> hf.put("vision_model.embeddings.class_embedding", t);
                case "visual.conv1.weight" -> hf.put("vision_model.embeddings.patch_embedding.weight", t);
                case "visual.positional_embedding" -> hf.put("vision_model.embeddings.position_embedding.weight", t);
                case "visual.ln_pre.weight" -> hf.put("vision_model.pre_layrnorm.weight", t);
                case "visual.ln_pre.bias" -> hf.put("vision_model.pre_layrnorm.bias", t);
                case "visual.ln_post.weight" -> hf.put("vision_model.post_layernorm.weight", t);
                case "visual.ln_post.bias" -> hf.put("vision_model.post_layernorm.bias", t);
                case "logit_scale" -> hf.put("logit_scale", t);
                default -> fail("unmapped fixture name " + k);
            }
        });
        hf.put("text_model.embeddings.position_ids", sd.get("logit_scale")); // dropped by the mapping
        return hf;
    }

    @Test
    void huggingFaceNamesMapBackBitExact() {
        try (StateDict ref = vit(); Arena arena = Arena.ofShared()) {
            Map<String, TensorData> hf = toHuggingFace(ref, arena);
            assertEquals(ClipNames.Style.HUGGING_FACE, ClipNames.detect(hf.keySet()));
            // also through a safetensors file, as users bring them
            Path f = dir.resolve("hf.safetensors");
            Safetensors.write(f, hf, Map.of("format", "pt"));
            try (StateDict back = Checkpoints.loadClip(f)) {
                assertEquals(new java.util.TreeSet<>(ref.names()), new java.util.TreeSet<>(back.names()));
                for (String n : ref.names()) assertTrue(ref.get(n).sameContent(back.get(n)), n);
                assertTrue(back.get("visual.proj").storage().isMapped(), "projection transposed as a view, not copied");
            }
        }
    }

    @Test
    void openClipWrappersAndTextTowerPrefixAreRemoved() {
        try (StateDict ref = vit()) {
            Map<String, TensorData> oc = new LinkedHashMap<>();
            ref.tensors().forEach((k, t) -> oc.put("module." + (k.startsWith("visual.") || k.equals("logit_scale") ? k : "text." + k), t));
            assertEquals(ClipNames.Style.OPEN_CLIP, ClipNames.detect(oc.keySet()));
            assertEquals(ClipNames.Style.OPENAI, ClipNames.detect(ref.names()));
            Map<String, TensorData> back = ClipNames.toOpenAI(oc, ref.arena());
            assertEquals(new java.util.ArrayList<>(ref.names()), new java.util.ArrayList<>(back.keySet()));
        }
    }

    @Test
    void wrappedTorchSaveCheckpointIsUnwrapped() throws Exception {
        try (StateDict ref = vit()) {
            // {"epoch": 7, "name": "run1", "state_dict": {"module.<name>": tensor, ...}} as open_clip's trainer saves it
            Path plain = dir.resolve("plain.pt");
            Map<String, TensorData> prefixed = new LinkedHashMap<>();
            ref.tensors().forEach((k, v) -> prefixed.put("module." + k, v));
            TorchZipWriter.write(plain, prefixed);
            byte[] inner;
            try (var z = new java.util.zip.ZipFile(plain.toFile())) {
                inner = z.getInputStream(z.getEntry("archive/data.pkl")).readAllBytes();
            }
            // splice: drop inner PROTO (2 bytes) and STOP (1 byte), nest it under "state_dict"
            byte[] body = java.util.Arrays.copyOfRange(inner, 2, inner.length - 1);
            byte[] outer = new PickleWriter().proto().emptyDict().mark().string("epoch").integer(7).string("name").string("run1")
                    .string("state_dict").raw(body).setitems().stop().toByteArray();
            Path wrapped = dir.resolve("wrapped.pt");
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (var z = new java.util.zip.ZipFile(plain.toFile())) {
                for (var e : java.util.Collections.list(z.entries()))
                    entries.put(e.getName(), e.getName().endsWith("data.pkl") ? outer : z.getInputStream(e).readAllBytes());
            }
            BrokenFilesTest.writeZip(wrapped, entries);
            try (StateDict sd = Checkpoints.loadClip(wrapped)) {
                assertEquals("7", sd.metadata().get("epoch"));
                assertEquals("run1", sd.metadata().get("name"));
                assertEquals(ref.names(), new java.util.LinkedHashSet<>(sd.names()));
                for (String n : ref.names()) assertTrue(ref.get(n).sameContent(sd.get(n)), n);
            }
        }
    }

    @Test
    void incompleteQkvIsReported() {
        try (StateDict ref = vit(); Arena arena = Arena.ofShared()) {
            Map<String, TensorData> hf = toHuggingFace(ref, arena);
            hf.remove("text_model.encoder.layers.1.self_attn.k_proj.weight");
            CheckpointException e = assertThrows(CheckpointException.class, () -> ClipNames.toOpenAI(hf, arena));
            assertTrue(e.getMessage().contains("'transformer.resblocks.1.attn.in_proj_weight': the k_proj tensor is missing"), e.getMessage());
        }
    }
}
