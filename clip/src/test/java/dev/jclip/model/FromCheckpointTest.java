package dev.jclip.model;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** ClipModel.fromCheckpoint reads every fixture file format to the same model and numbers. */
class FromCheckpointTest {
    @Test void everyFormatGivesTheReferenceImageFeatures() throws Exception {
        for (Path dir : Fixtures.modelDirs()) {
            try (StateDict in = Safetensors.read(dir.resolve("inputs.safetensors"));
                 StateDict exp = Safetensors.read(dir.resolve("expected.safetensors"))) {
                float[] expected = exp.get("image_features").toFloatArray();
                for (String f : List.of("model.safetensors", "state_dict.pt", "jit.pt")) {
                    long live = Tensor.liveCount();
                    try (ClipModel m = ClipModel.fromCheckpoint(dir.resolve(f)); Scope s = Scope.open(); var g = Torch.noGrad()) {
                        assertEquals(ClipArchitecture.fromJson(dir.resolve("config.json")), m.architecture(), f);
                        float[] got = m.encodeImage(in.get("images").toTensor()).toFloatArray();
                        assertArrayEquals(expected, got, 2e-5f * 4, dir.getFileName() + "/" + f);
                    }
                    assertEquals(live, Tensor.liveCount(), "no tensors left behind by " + f);
                }
            }
        }
    }
}
