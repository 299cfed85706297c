package dev.jclip.samples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The ONNX graphs written for {@code clip bench infer} compute the reference's features in ONNX Runtime. */
class OnnxClipGraphsTest {
    static Path fixtures() { return Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")); }

    @TempDir Path dir;

    @ParameterizedTest @ValueSource(strings = {"vit_a", "resnet_b"})
    void bothTowersMatchTheReference(String name) throws Exception {
        Path m = fixtures().resolve("models").resolve(name);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ClipModel model = ClipModel.fromCheckpoint(m.resolve("model.safetensors"));
             StateDict in = Safetensors.read(m.resolve("inputs.safetensors"));
             StateDict exp = Safetensors.read(m.resolve("expected.safetensors"));
             Scope s = Scope.open(); var g = Torch.noGrad()) {
            Path image = dir.resolve("image.onnx"), text = dir.resolve("text.onnx");
            OnnxClipGraphs.image(model, image);
            OnnxClipGraphs.text(model, text);
            Tensor images = in.get("images").toTensor().contiguous(), tokens = in.get("tokens").toTensor().to(dev.jclip.torch.DType.I64).contiguous();
            float[] imageFeatures = run(env, image, "images",
                    OnnxTensor.createTensor(env, FloatBuffer.wrap(images.toFloatArray()), images.shape()));
            float[] textFeatures = run(env, text, "tokens",
                    OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.toLongArray()), tokens.shape()));
            check(exp.get("image_features"), imageFeatures, name + " image");
            check(exp.get("text_features"), textFeatures, name + " text");
        }
    }

    private static float[] run(OrtEnvironment env, Path file, String input, OnnxTensor x) throws Exception {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        try (x; OrtSession session = env.createSession(file.toString(), o); OrtSession.Result r = session.run(Map.of(input, x))) {
            float[][] rows = (float[][]) r.get(0).getValue();
            float[] out = new float[rows.length * rows[0].length];
            for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
            return out;
        }
    }

    private static void check(dev.jclip.io.TensorData expected, float[] got, String what) {
        float[] e = expected.toFloatArray();
        assertEquals(e.length, got.length, what);
        float max = 0;
        for (float v : e) max = Math.max(max, Math.abs(v));
        assertArrayEquals(e, got, 2e-5f * max, what);
    }
}
