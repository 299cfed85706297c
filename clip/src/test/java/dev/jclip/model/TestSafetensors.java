package dev.jclip.model;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.torch.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model tests' view of a safetensors file: every tensor read by {@link Safetensors} and copied
 * into libtorch memory (so it outlives the mapping); the caller closes them.
 */
final class TestSafetensors {
    private TestSafetensors() {}

    static Map<String, Tensor> read(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (StateDict sd = Safetensors.read(file)) {
            for (var e : sd.toTensors().entrySet()) {
                try (Tensor view = e.getValue()) {
                    out.put(e.getKey(), view.copy().persist());
                }
            }
        }
        return out;
    }

    static void closeAll(Map<String, Tensor> tensors) {
        tensors.values().forEach(Tensor::close);
    }
}
