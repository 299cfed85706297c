package dev.jclip.samples;

import dev.jclip.torch.LibTorch;
import dev.jclip.torch.OneDnnGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

import java.util.concurrent.Callable;

/** {@code clip version}: jclip and libtorch versions, libtorch's folder, the mode, the devices, the CPU and the oneDNN gradient guard. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the jclip version, the libtorch version and path, the mode (embedded/external), the devices found, the CPU, and whether backward passes run without oneDNN (see docs/bindings.md).")
public final class VersionCommand implements Callable<Integer> {
    /** The jclip version, from the jar manifest (or the build's POM version when run from classes). */
    public static String jclipVersion() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    @Override public Integer call() {
        LibTorch lt = LibTorch.get();
        System.out.println("jclip     " + jclipVersion());
        System.out.println("libtorch  " + lt.version());
        System.out.println("path      " + lt.directory());
        System.out.println("mode      " + lt.mode().name().toLowerCase(java.util.Locale.ROOT)
                + (lt.hasJni() ? " (FFM core + Bytedeco JNI bridge)" : " (FFM core only)"));
        System.out.println("cuda      " + (lt.isCudaBuild() ? "CUDA build, " + lt.cudaDeviceCount() + " device(s)" : "CPU build"));
        System.out.println("devices   " + lt.devices());
        int configured = dev.jclip.torch.Threads.configuredIntraOp();
        System.out.println("threads   " + dev.jclip.torch.Threads.intraOp() + " intra-op"
                + (configured > 0 ? " (set by --threads / JCLIP_THREADS)" : " (default: one per core; --threads N or JCLIP_THREADS to change)")
                + ", OpenMP wait policy " + dev.jclip.torch.Threads.waitPolicy());
        System.out.println("kernels   " + (dev.jclip.torch.OneDnn.available() && dev.jclip.torch.OneDnn.enabled()
                ? "oneDNN for float32 CPU inference (linear, convolution; -Djclip.onednn=false for ATen's)"
                : "ATen's (oneDNN " + (dev.jclip.torch.OneDnn.available() ? "switched off" : "not in this libtorch") + ")"));
        System.out.println("cpu       " + CpuInfo.describe());
        // Runs the gradient self-test (a few ms) so that this line says what training would get.
        System.out.println("onednn    " + OneDnnGuard.status().describe());
        System.out.println("java      " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        return 0;
    }

    /** For {@code clip --version}. */
    public static final class Provider implements IVersionProvider {
        @Override public String[] getVersion() { return new String[]{"jclip " + jclipVersion()}; }
    }
}
