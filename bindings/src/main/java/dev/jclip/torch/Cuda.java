package dev.jclip.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * CUDA through FFM alone (no JNI, so it works over any libtorch >= 2.10, a pip PyTorch's
 * {@code torch/lib} included): the current device, the current stream, stream synchronisation and
 * memory info. Every symbol is optional in the C contract; on a CPU build {@link #isAvailable()} is
 * false and the other calls throw a {@link TorchException} that says so.
 *
 * <pre>{@code
 * if (Cuda.isAvailable()) {
 *     Cuda.setDevice(localRank % Cuda.deviceCount());
 *     long t0 = System.nanoTime();
 *     ... work on cuda:0 ...
 *     Cuda.synchronize(Device.cuda(0));          // GPU work is asynchronous: wait before reading the clock
 *     Cuda.MemInfo m = Cuda.memInfo(0);
 * }
 * }</pre>
 */
public final class Cuda {
    private Cuda() {}

    /** Free and total bytes of one device, as {@code cudaMemGetInfo} reports them. */
    public record MemInfo(long freeBytes, long totalBytes) {
        public long usedBytes() { return totalBytes - freeBytes; }
    }

    /** Whether this libtorch has CUDA kernels and at least one device is visible. */
    public static boolean isAvailable() {
        return LibTorch.get().isCudaBuild() && LibTorch.get().cudaDeviceCount() > 0;
    }

    /** Visible CUDA devices (0 on a CPU build). */
    public static int deviceCount() { return LibTorch.get().cudaDeviceCount(); }

    /**
     * Makes {@code index} the current CUDA device of the calling thread (what
     * {@code torch.cuda.set_device} does): kernels launched without an explicit device, NCCL and
     * the caching allocator's default all use it.
     */
    public static void setDevice(int index) {
        requireDevice(index);
        cudaCheck(NativeApi.cudaSetDevice(index), "cudaSetDevice(" + index + ")");
    }

    /** The calling thread's current CUDA device. */
    public static int currentDevice() {
        require("cudaGetDevice");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            cudaCheck(NativeApi.cudaGetDevice(out), "cudaGetDevice");
            return out.get(JAVA_INT, 0);
        }
    }

    /** The current stream of {@code device} ({@code cudaStream_t}), where libtorch queues its kernels. */
    public static MemorySegment currentStream(Device device) {
        if (!device.isCuda()) throw new IllegalArgumentException("currentStream needs a CUDA device, got " + device);
        requireDevice(device.index());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            Dispatch.check(NativeApi.aoti_torch_get_current_cuda_stream(device.index(), out), "aoti_torch_get_current_cuda_stream(" + device.index() + ")");
            return out.get(ADDRESS, 0);
        }
    }

    /** Waits until every kernel queued on {@code device}'s current stream has finished; a no-op for the CPU. */
    public static void synchronize(Device device) {
        if (!device.isCuda()) return;
        cudaCheck(NativeApi.cudaStreamSynchronize(currentStream(device)), "cudaStreamSynchronize(" + device + ")");
    }

    /** Free and total memory of device {@code index} (the device is made current for the call only). */
    public static MemInfo memInfo(int index) {
        requireDevice(index);
        try (Guard g = guard(index); Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG), total = a.allocate(JAVA_LONG);
            cudaCheck(NativeApi.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new MemInfo(free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0));
        }
    }

    /**
     * Whether float32 convolutions (cuDNN) and matmuls (cuBLAS) may use TF32 tensor cores, as
     * {@code torch.backends.cudnn.allow_tf32} / {@code torch.backends.cuda.matmul.allow_tf32}
     * (PyTorch's defaults: true and false). Process-wide; harmless on a CPU build.
     */
    public static void allowTf32(boolean cudnn, boolean cublas) {
        MemorySegment ctx = NativeApi._ZN2at13globalContextEv();
        NativeApi._ZN2at7Context17setAllowTF32CuDNNEb(ctx, cudnn);
        NativeApi._ZN2at7Context18setAllowTF32CuBLASEb(ctx, cublas);
    }

    /** Makes {@code index} current until {@link Guard#close()} restores the previous device (libtorch's {@code CUDAGuard}). */
    public static Guard guard(int index) {
        requireDevice(index);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            Dispatch.check(NativeApi.aoti_torch_create_cuda_guard(index, out), "aoti_torch_create_cuda_guard(" + index + ")");
            return new Guard(out.get(ADDRESS, 0));
        }
    }

    /** A scoped current device; close on the thread that opened it. */
    public static final class Guard implements AutoCloseable {
        private MemorySegment handle;
        private Guard(MemorySegment handle) { this.handle = handle; }

        /** Switches the guarded device. */
        public void setIndex(int index) {
            Dispatch.check(NativeApi.aoti_torch_cuda_guard_set_index(handle, index), "aoti_torch_cuda_guard_set_index(" + index + ")");
        }

        @Override public void close() {
            if (handle == null) return;
            Dispatch.check(NativeApi.aoti_torch_delete_cuda_guard(handle), "aoti_torch_delete_cuda_guard");
            handle = null;
        }
    }

    private static void requireDevice(int index) {
        if (!LibTorch.get().isCudaBuild()) {
            throw new TorchException("CUDA is not available: the libtorch at " + LibTorch.get().directory() + " is a CPU build (no libtorch_cuda.so)");
        }
        int n = deviceCount();
        if (index < 0 || index >= n) throw new TorchException("CUDA device " + index + " does not exist: " + n + " visible (CUDA_VISIBLE_DEVICES?)");
    }

    private static void require(String symbol) {
        if (NativeLinker.find(symbol).isEmpty()) {
            throw new TorchException("CUDA is not available: " + symbol + " not found next to libtorch at " + LibTorch.get().directory());
        }
    }

    static void cudaCheck(int err, String what) {
        if (err == 0) return;
        String text = "error " + err;
        if (NativeLinker.find("cudaGetErrorString").isPresent()) {
            MemorySegment s = NativeApi.cudaGetErrorString(err);
            if (!s.equals(MemorySegment.NULL)) text = s.reinterpret(4096).getString(0) + " (" + err + ")";
        }
        throw new TorchException(what + " failed: " + text);
    }
}
