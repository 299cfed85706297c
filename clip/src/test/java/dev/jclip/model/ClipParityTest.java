package dev.jclip.model;

import dev.jclip.testing.TestSafetensors;
import dev.jclip.torch.DType;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Parity with the reference implementation over every model folder of the fixture set: features,
 * logits, the symmetric loss and the listed gradients, in float32 (within 2e-5 x max|expected|) and
 * float64 (within 1e-10 x max|expected| of the {@code _f64} tensors), the architecture inferred
 * from the checkpoint as {@code build_model} does.
 */
class ClipParityTest {
    static final double F32_REL = 2e-5;
    static final double F64_REL = 1e-10;
    /** The same checkpoint in each of the three file formats of the fixtures. */
    static final List<String> FORMATS = List.of("model.safetensors", "state_dict.pt", "jit.pt");

    @TestFactory List<DynamicTest> everyFixtureModel() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Fixtures.modelDirs()) {
            for (String format : FORMATS) {
                String name = dir.getFileName() + "/" + format;
                tests.add(DynamicTest.dynamicTest(name + " float32", () -> parity(dir, format, DType.F32)));
                tests.add(DynamicTest.dynamicTest(name + " float64", () -> parity(dir, format, DType.F64)));
            }
        }
        assertFalse(tests.isEmpty(), "no model folders in the fixture set");
        return tests;
    }

    /** The file's tensors through the production readers (dev.jclip.io), copied out of the mapping. */
    static Map<String, Tensor> loadCheckpoint(Path dir, String format) throws IOException {
        try (dev.jclip.io.StateDict sd = dev.jclip.io.Checkpoints.loadClip(dir.resolve(format))) {
            return TestSafetensors.copy(sd);
        }
    }

    private static void parity(Path dir, String format, DType dtype) throws IOException {
        Map<String, Tensor> weights = loadCheckpoint(dir, format);
        Map<String, Tensor> inputs = TestSafetensors.read(dir.resolve("inputs.safetensors"));
        Map<String, Tensor> expected = TestSafetensors.read(dir.resolve("expected.safetensors"));
        String suffix = dtype == DType.F64 ? "_f64" : "";
        double rel = dtype == DType.F64 ? F64_REL : F32_REL;
        try (ClipModel model = ClipModel.fromStateDict(weights); Scope s = Scope.open()) {
            assertEquals(ClipArchitecture.fromJson(dir.resolve("config.json")), model.architecture(), "inferred architecture");
            model.to(dtype);
            Tensor images = inputs.get("images").to(dtype);
            Tensor tokens = inputs.get("tokens");

            try (var g = Torch.noGrad()) {
                Tensor img = model.encodeImage(images);
                Tensor txt = model.encodeText(tokens);
                assertEquals(dtype, img.dtype());
                Fixtures.assertClose("image_features" + suffix, expected.get("image_features" + suffix), img, rel);
                Fixtures.assertClose("text_features" + suffix, expected.get("text_features" + suffix), txt, rel);
                ClipLogits out = model.forward(images, tokens);
                Fixtures.assertClose("logits_per_image" + suffix, expected.get("logits_per_image" + suffix), out.logitsPerImage(), rel);
                Fixtures.assertClose("logits_per_text" + suffix, expected.get("logits_per_text" + suffix), out.logitsPerText(), rel);
            }

            model.requiresGrad(true);
            ClipLogits out = model.forward(images, tokens);
            Tensor labels = Torch.arange(out.logitsPerImage().size(0));
            Tensor loss = F.crossEntropy(out.logitsPerImage(), labels).add(F.crossEntropy(out.logitsPerText(), labels)).div(2.0);
            Fixtures.assertClose("loss" + suffix, expected.get("loss" + suffix), loss, rel);
            loss.backward();
            String gradPrefix = dtype == DType.F64 ? "grad_f64." : "grad.";
            int checked = 0;
            for (var e : expected.entrySet()) {
                if (!e.getKey().startsWith(gradPrefix)) continue;
                String param = e.getKey().substring(gradPrefix.length());
                Tensor grad = model.stateDict().get(param).grad();
                assertNotNull(grad, "no gradient for " + param);
                Fixtures.assertClose(e.getKey(), e.getValue(), grad, rel);
                checked++;
            }
            assertEquals(dtype == DType.F64 ? 4 : 7, checked, "gradients compared");
        } finally {
            TestSafetensors.closeAll(weights);
            TestSafetensors.closeAll(inputs);
            TestSafetensors.closeAll(expected);
        }
    }
}
