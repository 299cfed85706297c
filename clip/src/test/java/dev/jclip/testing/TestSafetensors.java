package dev.jclip.testing;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.torch.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model tests' view of a safetensors file: every tensor read by {@link Safetensors} and copied
 * into libtorch memory (so it outlives the mapping); the caller closes them.
 *
 * <pre>{@code
 * Map<String, Tensor> inputs = TestSafetensors.read(SharedFiles.fixture("models/vit_a").resolve("inputs.safetensors"));
 * try { ... } finally { TestSafetensors.closeAll(inputs); }
 * }</pre>
 */
public final class TestSafetensors {
    private TestSafetensors() {}

    /** Every tensor of {@code file}, copied; the caller closes them. */
    public static Map<String, Tensor> read(Path file) {
        try (StateDict sd = Safetensors.read(file)) {
            return copy(sd);
        }
    }

    /** Every tensor of {@code sd} copied into libtorch memory (it outlives {@code sd}); the caller closes them. */
    public static Map<String, Tensor> copy(StateDict sd) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : sd.toTensors().entrySet()) {
            try (Tensor view = e.getValue()) {
                out.put(e.getKey(), view.copy().persist());
            }
        }
        return out;
    }

    /** Closes every tensor of {@code tensors} (null: nothing). */
    public static void closeAll(Map<String, Tensor> tensors) {
        if (tensors != null) tensors.values().forEach(Tensor::close);
    }
}
