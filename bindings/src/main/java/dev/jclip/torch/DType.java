package dev.jclip.torch;

/**
 * Element types of jclip tensors, with their libtorch {@code c10::ScalarType} codes.
 *
 * <pre>{@code
 * Tensor x = Tensor.zeros(DType.F32, 2, 3);
 * assert x.dtype() == DType.F32 && DType.BF16.byteSize() == 2;
 * }</pre>
 */
public enum DType {
    U8(0, 1, "uint8"),
    I8(1, 1, "int8"),
    I16(2, 2, "int16"),
    I32(3, 4, "int32"),
    I64(4, 8, "int64"),
    F16(5, 2, "float16"),
    F32(6, 4, "float32"),
    F64(7, 8, "float64"),
    BOOL(11, 1, "bool"),
    BF16(15, 2, "bfloat16");

    private final int code;
    private final int byteSize;
    private final String torchName;

    DType(int code, int byteSize, String torchName) {
        this.code = code;
        this.byteSize = byteSize;
        this.torchName = torchName;
    }

    /** The {@code c10::ScalarType} value (what {@code aoti_torch_dtype_*()} returns). */
    public int code() { return code; }

    /** Bytes per element. */
    public int byteSize() { return byteSize; }

    /** PyTorch's name, e.g. {@code float32}. */
    public String torchName() { return torchName; }

    public boolean isFloatingPoint() {
        return this == F16 || this == F32 || this == F64 || this == BF16;
    }

    /** The dtype with the given {@code c10::ScalarType} code. */
    public static DType fromCode(int code) {
        for (DType d : values()) if (d.code == code) return d;
        throw new TorchException("unsupported libtorch ScalarType code " + code);
    }

    /** Parses {@code f32}, {@code float32}, {@code bf16}, {@code bfloat16}, {@code fp16}, {@code int64}, ... */
    public static DType parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        for (DType d : values()) {
            if (d.name().toLowerCase(java.util.Locale.ROOT).equals(k) || d.torchName.equals(k)) return d;
        }
        return switch (k) {
            case "fp32", "float" -> F32;
            case "fp64", "double" -> F64;
            case "fp16", "half" -> F16;
            case "long" -> I64;
            case "int" -> I32;
            default -> throw new IllegalArgumentException("unknown dtype '" + s + "' (expected one of f32, f64, f16, bf16, i8, i16, i32, i64, u8, bool)");
        };
    }

    @Override public String toString() { return torchName; }
}
