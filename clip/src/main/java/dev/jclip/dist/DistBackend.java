package dev.jclip.dist;

import dev.jclip.torch.Device;

/**
 * The c10d backend of a process group: NCCL for CUDA tensors, Gloo for CPU tensors (PyTorch's
 * own rule for {@code init_process_group(backend=None)}).
 *
 * <pre>{@code
 * DistBackend b = DistBackend.forDevice(Device.CPU);   // GLOO
 * }</pre>
 */
public enum DistBackend {
    GLOO, NCCL;

    public static DistBackend forDevice(Device device) {
        return device.isCuda() ? NCCL : GLOO;
    }

    /** {@code gloo} or {@code nccl}, as PyTorch spells them; {@code auto} picks by device. */
    public static DistBackend parse(String s, Device device) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto", "" -> forDevice(device);
            case "gloo" -> GLOO;
            case "nccl" -> NCCL;
            default -> throw new IllegalArgumentException("unknown backend '" + s + "' (auto, gloo or nccl)");
        };
    }
}
