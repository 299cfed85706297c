package dev.jclip.testing;

import dev.jclip.torch.Tensor;

import java.util.Map;

/**
 * The two reference models of the fixture set ({@code models/vit_a}, a ViT, and {@code models/resnet_b},
 * a ModifiedResNet) with their inputs, read once per test class and closed after it: what tests of
 * the model's behaviour beyond parity share. Skips (or fails in CI) through {@link SharedFiles} when
 * the fixtures are absent.
 *
 * <pre>{@code
 * static ReferenceModels ref;
 * @BeforeAll static void load() { ref = ReferenceModels.load(); }
 * @AfterAll static void free() { if (ref != null) ref.close(); }
 * ... ClipModel.fromStateDict(ref.vitWeights()) ... ref.vitInputs().get("pixels") ...
 * }</pre>
 *
 * @param vitWeights    {@code vit_a/model.safetensors}
 * @param resnetWeights {@code resnet_b/model.safetensors}
 * @param vitInputs     {@code vit_a/inputs.safetensors}
 * @param resnetInputs  {@code resnet_b/inputs.safetensors}
 */
public record ReferenceModels(Map<String, Tensor> vitWeights, Map<String, Tensor> resnetWeights,
                              Map<String, Tensor> vitInputs, Map<String, Tensor> resnetInputs) implements AutoCloseable {
    /** Reads all four files (tensors copied into libtorch memory); a failure part-way closes what was read. */
    public static ReferenceModels load() {
        Map<String, Tensor> vw = null, rw = null, vi = null;
        try {
            vw = read("vit_a", "model");
            rw = read("resnet_b", "model");
            vi = read("vit_a", "inputs");
            return new ReferenceModels(vw, rw, vi, read("resnet_b", "inputs"));
        } catch (RuntimeException | Error e) {
            TestSafetensors.closeAll(vw);
            TestSafetensors.closeAll(rw);
            TestSafetensors.closeAll(vi);
            throw e;
        }
    }

    private static Map<String, Tensor> read(String model, String file) {
        return TestSafetensors.read(SharedFiles.fixture("models/" + model).resolve(file + ".safetensors"));
    }

    @Override public void close() {
        TestSafetensors.closeAll(vitWeights);
        TestSafetensors.closeAll(resnetWeights);
        TestSafetensors.closeAll(vitInputs);
        TestSafetensors.closeAll(resnetInputs);
    }
}
