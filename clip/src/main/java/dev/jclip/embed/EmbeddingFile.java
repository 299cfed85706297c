package dev.jclip.embed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.torch.DType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One batch or shard file of an embedding folder: safetensors with {@code vectors} float32
 * {@code [n, dim]} and metadata {@code keys} (a JSON array of the n image keys, in row order).
 */
record EmbeddingFile(List<String> keys, float[] vectors, int dim) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes atomically (temp file, fsync, rename: {@link Safetensors#write}). */
    static void write(Path file, List<String> keys, float[] vectors, int dim) {
        if ((long) keys.size() * dim != vectors.length) {
            throw new IllegalArgumentException(keys.size() + " keys x " + dim + " != " + vectors.length + " floats");
        }
        try (Arena arena = Arena.ofConfined()) {
            TensorData t = TensorData.contiguous(DType.F32, new long[]{keys.size(), dim},
                    vectors.length == 0 ? arena.allocate(0) : arena.allocateFrom(ValueLayout.JAVA_FLOAT, vectors));
            Safetensors.write(file, Map.of("vectors", t), Map.of("keys", JSON.writeValueAsString(keys), "format", EmbeddingManifest.FORMAT));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads keys only (no vectors): what resuming needs. */
    static List<String> readKeys(Path file) {
        try (StateDict sd = Safetensors.read(file)) {
            return keys(file, sd);
        }
    }

    static EmbeddingFile read(Path file, int dim) {
        try (StateDict sd = Safetensors.read(file)) {
            List<String> keys = keys(file, sd);
            if (!sd.contains("vectors")) throw new IllegalArgumentException(file + ": no tensor 'vectors'");
            TensorData v = sd.get("vectors");
            if (v.dtype() != DType.F32 || v.dim() != 2 || v.size(0) != keys.size() || v.size(1) != dim) {
                throw new IllegalArgumentException(file + ": 'vectors' is " + v + ", expected float32 [" + keys.size() + ", " + dim + "]");
            }
            return new EmbeddingFile(keys, v.toFloatArray(), dim);
        }
    }

    private static List<String> keys(Path file, StateDict sd) {
        String k = sd.metadata().get("keys");
        if (k == null) throw new IllegalArgumentException(file + ": no metadata 'keys' (not a jclip embedding file)");
        try {
            return JSON.readValue(k, new TypeReference<List<String>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": metadata 'keys' is not a JSON list of strings", e);
        }
    }
}
