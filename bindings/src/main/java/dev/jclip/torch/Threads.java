package dev.jclip.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * CPU thread policy: libtorch's intra-op thread count (its OpenMP pool, which oneDNN and the
 * BLAS share) and the OpenMP wait policy.
 *
 * <ul>
 *   <li><b>Intra-op threads</b>: libtorch's default is one per core. {@link #setIntraOp(int)}
 *       (or {@code -Djclip.threads=N}, {@code JCLIP_THREADS=N}, the CLI's {@code --threads N})
 *       sets it for every thread of the JVM: OpenMP keeps the count per calling thread, so each
 *       Java thread applies the current setting before its next libtorch call.</li>
 *   <li><b>Wait policy</b>: GNU OpenMP (Bytedeco's libtorch links libgomp) lets idle workers
 *       spin for a while after each parallel region. With another process on the same cores
 *       the spinning workers steal the time the working one needs, and two threads ran 4x
 *       slower than one (docs/performance.md). Unless the environment already sets
 *       {@code OMP_WAIT_POLICY}, jclip sets it to {@code PASSIVE} before libtorch loads
 *       (idle workers sleep at once); {@code -Djclip.ompWaitPolicy=ACTIVE} keeps spinning, {@code =default} leaves libgomp's
 *       own policy (spin about 300,000 iterations, then sleep).</li>
 * </ul>
 *
 * <pre>{@code
 * Threads.setIntraOp(2);
 * System.out.println(Threads.intraOp() + " threads, wait policy " + Threads.waitPolicy());
 * }</pre>
 */
public final class Threads {
    /** Bumped by every {@link #setIntraOp}; each thread's dispatch frame remembers the one it applied. */
    static volatile int generation;
    private static volatile int intraOp;
    private static volatile String waitPolicy;

    private Threads() {}

    /** Sets libtorch's intra-op thread count for the whole JVM ({@code n >= 1}). */
    public static synchronized void setIntraOp(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        intraOp = n;
        NativeApi._ZN2at15set_num_threadsEi(n);
        generation++;
        Dispatch.FRAME.get().threadsGeneration = generation;
    }

    /** The intra-op thread count libtorch uses on this thread. */
    public static int intraOp() {
        applyToCurrentThread(Dispatch.FRAME.get());
        return Torch.numThreads();
    }

    /** The count set by {@link #setIntraOp}, or 0 when libtorch's default (one per core) is in force. */
    public static int configuredIntraOp() { return intraOp; }

    /** libtorch's inter-op pool size (used by {@code at::launch}; jclip's own calls run on the calling thread). */
    public static int interOp() { return NativeApi._ZN2at23get_num_interop_threadsEv(); }

    /** The OpenMP wait policy in force ({@code PASSIVE} unless the environment or {@code -Djclip.ompWaitPolicy} said otherwise). */
    public static String waitPolicy() {
        String p = waitPolicy;
        return p != null ? p : System.getenv().getOrDefault("OMP_WAIT_POLICY", "(libgomp default)");
    }

    /** Called on a thread's next libtorch call after {@link #setIntraOp}. */
    static void applyToCurrentThread(Dispatch.Frame f) {
        int g = generation;
        if (f.threadsGeneration == g) return;
        f.threadsGeneration = g;
        int n = intraOp;
        if (n > 0) NativeApi._ZN2at15set_num_threadsEi(n);
    }

    /**
     * Before libtorch (and libgomp) load: sets {@code OMP_WAIT_POLICY} in the process environment
     * unless it is set, since libgomp reads it once when it loads. Through libc's {@code setenv}
     * directly: NativeApi would load libtorch first.
     */
    static void beforeLoad() {
        String env = System.getenv("OMP_WAIT_POLICY");
        String wanted = System.getProperty("jclip.ompWaitPolicy", "PASSIVE").toUpperCase(java.util.Locale.ROOT);
        if (env != null && !env.isBlank()) { waitPolicy = env.toUpperCase(java.util.Locale.ROOT); return; }
        if (wanted.equals("DEFAULT")) return;   // leave libgomp's own (spin a while, then sleep)
        try (Arena a = Arena.ofConfined()) {
            MethodHandle setenv = Linker.nativeLinker().downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            int rc = (int) setenv.invokeExact(a.allocateFrom("OMP_WAIT_POLICY"), a.allocateFrom(wanted), 0);
            if (rc == 0) waitPolicy = wanted;
        } catch (Throwable t) {
            // the policy is an optimisation: libtorch works without it
        }
    }

    /** After libtorch loads: {@code -Djclip.threads} / {@code JCLIP_THREADS}, when given. */
    static void afterLoad() {
        String v = System.getProperty("jclip.threads");
        if (v == null || v.isBlank()) v = System.getenv("JCLIP_THREADS");
        if (v == null || v.isBlank()) return;
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new TorchException("jclip.threads / JCLIP_THREADS must be a positive integer, got '" + v + "'");
        }
        if (n < 1) throw new TorchException("jclip.threads / JCLIP_THREADS must be a positive integer, got '" + v + "'");
        intraOp = n;
        generation++;
    }
}
