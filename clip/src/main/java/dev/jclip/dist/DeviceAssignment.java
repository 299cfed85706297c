package dev.jclip.dist;

import dev.jclip.torch.Cuda;
import dev.jclip.torch.Device;

/**
 * Which device a rank trains on: for a bare {@code cuda}, {@code cuda:(LOCAL_RANK % visible devices)}
 * (right under torchrun or {@code scripts/launch}, where every process sees all GPUs, and under
 * {@code srun --gpus-per-task 1}, where each process sees one GPU as {@code cuda:0}); an explicit
 * {@code cuda:N} must be visible; the CPU stays the CPU. {@link #apply} also makes the device the
 * process's current CUDA device (what {@code torch.cuda.set_device} does), so that NCCL, the caching
 * allocator and kernels launched without a device all agree.
 *
 * <pre>{@code
 * Device d = DeviceAssignment.apply("cuda", DistEnv.fromEnvironment());   // cuda:LOCAL_RANK % N, made current
 * }</pre>
 */
public final class DeviceAssignment {
    private DeviceAssignment() {}

    /**
     * The device for {@code requested} ({@code cpu}, {@code cuda}, {@code cuda:N}) on a rank with
     * local rank {@code localRank}, when {@code visible} CUDA devices are visible.
     */
    public static Device resolve(String requested, int localRank, int visible) {
        Device d = Device.parse(requested);
        if (!d.isCuda()) return d;
        if (visible < 1) {
            throw new IllegalArgumentException("--device " + requested + ": no CUDA device is visible (a CPU build of libtorch, no GPU, "
                    + "or CUDA_VISIBLE_DEVICES is empty)");
        }
        boolean bare = !requested.contains(":");
        if (bare) return Device.cuda(Math.floorMod(localRank, visible));
        if (d.index() >= visible) {
            throw new IllegalArgumentException("--device " + requested + ": only " + visible + " CUDA device(s) visible (cuda:0.."
                    + (visible - 1) + "); with one GPU per process (srun --gpus-per-task 1) use a bare --device cuda");
        }
        return d;
    }

    /** {@link #resolve} with this machine's visible devices, and a CUDA result made the current device. */
    public static Device apply(String requested, DistEnv env) {
        Device d = Device.parse(requested);
        if (!d.isCuda()) return d;
        Device out = resolve(requested, env.localRank(), Cuda.deviceCount());
        Cuda.setDevice(out.index());
        return out;
    }
}
