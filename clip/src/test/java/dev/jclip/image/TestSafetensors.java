package dev.jclip.image;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.torch.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The preprocessing tests' view of a safetensors file (read by {@link Safetensors}): dtype, shape, bytes. */
final class TestSafetensors {
    record Tensor(String dtype, int[] shape, ByteBuffer data) {
        float[] floats() {
            if (!dtype.equals("F32")) {
                throw new IllegalStateException("not F32: " + dtype);
            }
            float[] f = new float[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }

        byte[] bytes() {
            byte[] b = new byte[data.remaining()];
            data.duplicate().get(b);
            return b;
        }
    }

    private TestSafetensors() {
    }

    static Map<String, Tensor> read(Path file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (StateDict sd = Safetensors.read(file)) {
            for (Map.Entry<String, TensorData> e : sd.tensors().entrySet()) {
                TensorData t = e.getValue();
                long[] s = t.shape();
                int[] shape = new int[s.length];
                for (int i = 0; i < s.length; i++) shape[i] = Math.toIntExact(s[i]);
                DType dt = t.dtype();
                out.put(e.getKey(), new Tensor(Safetensors.dtypeName(dt), shape, ByteBuffer.wrap(t.toByteArray())));
            }
        }
        return out;
    }
}
