package dev.jclip.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal safetensors reader for the model tests only (production loading lives in
 * {@code dev.jclip.io}): 8-byte little-endian header length, JSON header, raw data. Tensors are
 * copied into libtorch memory; the caller closes them.
 */
final class TestSafetensors {
    private TestSafetensors() {}

    static Map<String, Tensor> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        int base = 8 + (int) n;
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                JsonNode t = e.getValue();
                DType dt = switch (t.get("dtype").asText()) {
                    case "F32" -> DType.F32;
                    case "F64" -> DType.F64;
                    case "I64" -> DType.I64;
                    case "U8" -> DType.U8;
                    default -> throw new IOException(file + ": unsupported dtype " + t.get("dtype") + " of " + e.getKey());
                };
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
                long begin = t.get("data_offsets").get(0).asLong(), end = t.get("data_offsets").get(1).asLong();
                MemorySegment seg = arena.allocate(Math.max(1, end - begin), 8);
                MemorySegment.copy(MemorySegment.ofArray(bytes), base + begin, seg, 0, end - begin);
                try (Scope s = Scope.open()) {
                    out.put(e.getKey(), Torch.fromSegment(seg, dt, shape).copy().persist());
                }
            }
        }
        return out;
    }

    static void closeAll(Map<String, Tensor> tensors) {
        tensors.values().forEach(Tensor::close);
    }
}
