package dev.jclip.eval;

import dev.jclip.io.Safetensors;
import dev.jclip.io.TensorData;
import dev.jclip.torch.DType;
import dev.jclip.torch.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float32 results (features, logits) to a safetensors file, atomically (through
 * {@link Safetensors#write}): tensors from any device/dtype are copied to the host as float32.
 *
 * <pre>{@code
 * FeatureFile.write(Path.of("emb.safetensors"), Map.of("image_features", f), Map.of("producer", "jclip embed"));
 * }</pre>
 */
public final class FeatureFile {
    private FeatureFile() {}

    /** Writes each tensor as float32 with its shape; {@code metadata} goes to {@code __metadata__}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Object> data = new LinkedHashMap<>();
        tensors.forEach((k, t) -> data.put(k, new Object[]{t.shape(), t.toFloatArray()}));
        writeArrays(file, data, metadata);
    }

    /** Writes {@link Features} matrices as float32 {@code [rows, dim]}. */
    public static void writeFeatures(Path file, Map<String, Features> features, Map<String, String> metadata) {
        Map<String, Object> data = new LinkedHashMap<>();
        features.forEach((k, f) -> data.put(k, new Object[]{new long[]{f.rows(), f.dim()}, f.data()}));
        writeArrays(file, data, metadata);
    }

    private static void writeArrays(Path file, Map<String, Object> data, Map<String, String> metadata) {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, TensorData> out = new LinkedHashMap<>();
            data.forEach((k, v) -> {
                Object[] pair = (Object[]) v;
                float[] values = (float[]) pair[1];
                out.put(k, TensorData.contiguous(DType.F32, (long[]) pair[0],
                        values.length == 0 ? arena.allocate(0) : arena.allocateFrom(ValueLayout.JAVA_FLOAT, values)));
            });
            Safetensors.write(file, out, metadata);
        }
    }
}
