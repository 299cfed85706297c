package dev.jclip.torch;

/**
 * A thread-local autocast (mixed precision) scope for one device type, like
 * {@code torch.autocast(device_type, dtype)}; nests, and closing restores the previous state.
 *
 * <pre>{@code
 * try (var ac = Torch.autocast(Device.CPU, DType.BF16)) {
 *     Tensor y = x.matmul(w);   // bfloat16
 * }
 * }</pre>
 */
public final class Autocast implements AutoCloseable {
    private final Device.Type type;
    private final boolean prevEnabled;
    private final byte prevDtype;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private Autocast(Device.Type type, boolean prevEnabled, byte prevDtype) {
        this.type = type;
        this.prevEnabled = prevEnabled;
        this.prevDtype = prevDtype;
    }

    static Autocast enter(Device.Type type, DType dtype) {
        if (dtype != DType.BF16 && dtype != DType.F16) throw new TorchException("autocast dtype must be bf16 or f16, got " + dtype);
        byte dev = (byte) type.code();
        boolean prev = NativeApi._ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE(dev);
        byte prevDt = NativeApi._ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE(dev);
        NativeApi._ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb(dev, true);
        NativeApi._ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE(dev, (byte) dtype.code());
        NativeApi._ZN2at8autocast17increment_nestingEv();
        return new Autocast(type, prev, prevDt);
    }

    /** Whether autocast is on for {@code type} on this thread. */
    public static boolean isEnabled(Device.Type type) {
        return NativeApi._ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE((byte) type.code());
    }

    @Override public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) throw new TorchException("autocast scope closed on another thread than " + owner.getName());
        closed = true;
        byte dev = (byte) type.code();
        // As torch.autocast.__exit__: the weight cast cache is dropped when the outermost scope exits.
        if (NativeApi._ZN2at8autocast17decrement_nestingEv() == 0) NativeApi._ZN2at8autocast11clear_cacheEv();
        NativeApi._ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb(dev, prevEnabled);
        NativeApi._ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE(dev, prevDtype);
    }
}
