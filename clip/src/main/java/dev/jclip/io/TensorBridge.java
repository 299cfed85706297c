package dev.jclip.io;

import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies between libtorch tensors and checkpoint {@link TensorData} (host bytes).
 *
 * <pre>{@code
 * try (Arena a = Arena.ofConfined()) {
 *     Safetensors.write(file, TensorBridge.toData(params, a), meta);
 * }
 * }</pre>
 */
public final class TensorBridge {
    private TensorBridge() {}

    /** A host copy of {@code t} (any device, C order) in memory from {@code arena}. */
    public static TensorData toData(Tensor t, Arena arena) {
        try (Scope s = Scope.open()) {
            Tensor host = t.detach().to(Device.CPU).contiguous();
            MemorySegment src = host.asSegment();
            MemorySegment dst = arena.allocate(Math.max(1, src.byteSize()), 64).asSlice(0, src.byteSize());
            dst.copyFrom(src);
            return TensorData.contiguous(t.dtype(), t.shape(), dst);
        }
    }

    /** {@link #toData(Tensor, Arena)} for every entry, order kept. */
    public static Map<String, TensorData> toData(Map<String, Tensor> tensors, Arena arena) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, toData(v, arena)));
        return out;
    }

    /** A new CPU tensor holding a copy of {@code d}'s elements. */
    public static Tensor toTensor(TensorData d) {
        try (Tensor view = d.toTensor()) {
            return view.contiguous().copy();
        }
    }
}
