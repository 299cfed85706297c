package dev.jclip.torch;

/**
 * A device: {@code cpu} or {@code cuda:N}.
 *
 * <pre>{@code
 * Device d = Device.parse("cuda:0");
 * Tensor y = x.to(d);
 * }</pre>
 *
 * @param type  the device type
 * @param index device index ({@code 0} for the CPU)
 */
public record Device(Type type, int index) {
    /** Device types with their {@code c10::DeviceType} codes. */
    public enum Type {
        CPU(0), CUDA(1);
        private final int code;
        Type(int code) { this.code = code; }
        public int code() { return code; }
        static Type fromCode(int code) {
            for (Type t : values()) if (t.code == code) return t;
            throw new TorchException("unsupported libtorch DeviceType code " + code);
        }
    }

    public static final Device CPU = new Device(Type.CPU, 0);

    public Device {
        if (index < 0) throw new IllegalArgumentException("negative device index " + index);
        if (type == Type.CPU && index != 0) throw new IllegalArgumentException("cpu has no index " + index);
    }

    /** {@code cuda:index}. */
    public static Device cuda(int index) { return new Device(Type.CUDA, index); }

    /** Parses {@code cpu}, {@code cuda}, {@code cuda:N}. */
    public static Device parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (k.equals("cpu")) return CPU;
        if (k.equals("cuda")) return cuda(0);
        if (k.startsWith("cuda:")) {
            try { return cuda(Integer.parseInt(k.substring(5))); }
            catch (NumberFormatException e) { /* fall through */ }
        }
        throw new IllegalArgumentException("unknown device '" + s + "' (expected cpu, cuda or cuda:N)");
    }

    /**
     * This device, after checking that the loaded libtorch can use it: on the CPU build
     * {@code cuda} fails at once with "CUDA is not available in this build" instead of libtorch's
     * long error from the first op.
     *
     * <pre>{@code
     * Device d = Device.parse(option).requireAvailable();
     * }</pre>
     */
    public Device requireAvailable() {
        if (type == Type.CPU) return this;
        LibTorch lt = LibTorch.get();
        if (!lt.isCudaBuild()) {
            throw new IllegalArgumentException("CUDA is not available in this build (libtorch at " + lt.directory()
                    + " is the CPU build; build with -Pcuda or load a CUDA libtorch with -Djclip.libtorch)");
        }
        int n = lt.cudaDeviceCount();
        if (index >= n) {
            throw new IllegalArgumentException("cuda:" + index + " is not available: "
                    + (n == 0 ? "no CUDA device is visible" : "this machine has " + n + " CUDA device(s)"));
        }
        return this;
    }

    /** Device type and index packed as a StableIValue: {@code (type << 32) | index}. */
    public long stableValue() { return ((long) type.code << 32) | index; }

    static Device fromCodes(int typeCode, int index) {
        Type t = Type.fromCode(typeCode);
        return t == Type.CPU ? CPU : new Device(t, index);
    }

    public boolean isCuda() { return type == Type.CUDA; }

    @Override public String toString() { return type == Type.CPU ? "cpu" : "cuda:" + index; }
}
