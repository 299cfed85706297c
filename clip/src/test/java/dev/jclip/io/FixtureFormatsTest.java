package dev.jclip.io;

import dev.jclip.model.ClipArchitecture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** All three weight files of every fixture model hold the same tensors, bit for bit. */
class FixtureFormatsTest {

    static List<Path> models() { return Fixtures.modelDirs(); }

    @ParameterizedTest
    @MethodSource("models")
    void threeFormatsAgreeBitExact(Path dir) {
        try (StateDict st = Safetensors.read(dir.resolve("model.safetensors"));
             StateDict pt = TorchZip.read(dir.resolve("state_dict.pt"));
             StateDict jit = TorchScriptArchive.read(dir.resolve("jit.pt"))) {
            assertEquals(CheckpointFormat.SAFETENSORS, st.format());
            assertEquals(CheckpointFormat.TORCH_ZIP, pt.format());
            assertEquals(CheckpointFormat.TORCHSCRIPT, jit.format());
            assertEquals(st.names(), pt.names(), "state_dict.pt names");
            assertEquals(st.names(), jit.names(), "jit.pt names");
            for (String name : st.names()) {
                TensorData ref = st.get(name);
                assertTrue(ref.sameContent(pt.get(name)), () -> "state_dict.pt differs at " + name);
                assertTrue(ref.sameContent(jit.get(name)), () -> "jit.pt differs at " + name);
            }
            // state_dict.pt and jit.pt list tensors in module order; so must we.
            assertEquals(new ArrayList<>(pt.names()), new ArrayList<>(jit.names()), "module order");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void detectsFormatByContent(Path dir) {
        assertEquals(CheckpointFormat.SAFETENSORS, Checkpoints.detect(dir.resolve("model.safetensors")));
        assertEquals(CheckpointFormat.TORCH_ZIP, Checkpoints.detect(dir.resolve("state_dict.pt")));
        assertEquals(CheckpointFormat.TORCHSCRIPT, Checkpoints.detect(dir.resolve("jit.pt")));
        try (StateDict a = Checkpoints.load(dir.resolve("jit.pt"))) {
            assertEquals(CheckpointFormat.TORCHSCRIPT, a.format());
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void storedEntriesAreZeroCopyViewsOfTheMapping(Path dir) {
        try (StateDict pt = TorchZip.read(dir.resolve("state_dict.pt"))) {
            for (TensorData t : pt.tensors().values()) assertTrue(t.storage().isMapped(), t + " is a copy");
        }
        try (StateDict st = Safetensors.read(dir.resolve("model.safetensors"))) {
            for (TensorData t : st.tensors().values()) assertTrue(t.storage().isMapped(), t + " is a copy");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void configJsonEqualsInferredArchitecture(Path dir) {
        ClipArchitecture fromJson = ClipArchitecture.fromJson(dir.resolve("config.json"));
        for (String f : List.of("model.safetensors", "state_dict.pt", "jit.pt")) {
            try (StateDict sd = Checkpoints.loadClip(dir.resolve(f))) {
                assertEquals(fromJson, ClipArchitecture.inferFrom(sd.shapes()), f);
            }
        }
        assertEquals(fromJson, ClipArchitecture.fromJson(fromJson.toJson()));
        try (StateDict st = Safetensors.read(dir.resolve("model.safetensors"))) {
            // the fixtures also carry the constructor arguments in the safetensors metadata
            assertEquals(fromJson, ClipArchitecture.fromJson(st.metadata().get("config")));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void valuesDecode(Path dir) {
        try (StateDict st = Safetensors.read(dir.resolve("model.safetensors"))) {
            float[] ls = st.get("logit_scale").toFloatArray();
            assertEquals(1, ls.length);
            assertTrue(ls[0] > 2.5f && ls[0] < 2.7f, "logit_scale " + ls[0]); // README: 2.59 / 2.67
            for (Map.Entry<String, TensorData> e : st.tensors().entrySet())
                if (e.getKey().endsWith("num_batches_tracked")) assertTrue(e.getValue().toLongArray()[0] >= 0);
        }
    }
}
