package dev.jclip.train;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Torch;

/**
 * The one mixed-precision flag: {@code fp32} (no autocast), {@code bf16} (autocast to bfloat16)
 * or {@code fp16} (autocast to float16 with dynamic loss scaling). Weights always stay float32
 * (master weights); autocast casts them per op.
 *
 * <pre>{@code
 * Precision p = Precision.parse("bf16");
 * try (Precision.Region r = p.autocast(Device.CPU)) { loss = ...; }
 * }</pre>
 */
public enum Precision {
    FP32(null), BF16(DType.BF16), FP16(DType.F16);

    private final DType autocastType;

    Precision(DType autocastType) { this.autocastType = autocastType; }

    /** The autocast dtype, or null for fp32. */
    public DType autocastType() { return autocastType; }

    /** Whether this precision needs a {@link GradScaler}. */
    public boolean needsLossScaling() { return this == FP16; }

    /** An autocast region (closing restores the previous state; no checked exception). */
    public interface Region extends AutoCloseable {
        @Override void close();
    }

    /** Enters autocast for {@code device} on this thread (a no-op region for fp32). */
    public Region autocast(Device device) {
        if (autocastType == null) return () -> {};
        var ac = Torch.autocast(device, autocastType);
        return ac::close;
    }

    /** {@code fp32|bf16|fp16} (case-insensitive). */
    public static Precision parse(String s) {
        for (Precision p : values()) if (p.name().equalsIgnoreCase(s)) return p;
        throw new IllegalArgumentException("unknown precision '" + s + "': use fp32, bf16 or fp16");
    }

    @Override public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
