package dev.jclip.torch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and loads libtorch, once per JVM.
 *
 * <ul>
 *   <li><b>embedded</b> (default): Bytedeco's {@code org.bytedeco:pytorch} build from the class path;
 *       JavaCPP extracts its shared libraries and jclip binds the same files through FFM, so the
 *       JNI bridge ({@link JniBridge}) is available too.</li>
 *   <li><b>external</b>: {@code -Djclip.libtorch=DIR} or env {@code JCLIP_LIBTORCH=DIR}, a folder
 *       holding {@code libtorch_cpu.so} (a LibTorch install's {@code lib/} or a pip PyTorch's
 *       {@code torch/lib}), libtorch >= 2.10. Only the FFM core is used (Bytedeco's JNI library is
 *       built against its own libtorch).</li>
 * </ul>
 *
 * <pre>{@code
 * LibTorch lt = LibTorch.get();
 * System.out.println(lt.version() + " " + lt.mode() + " " + lt.directory());
 * }</pre>
 */
public final class LibTorch {
    /** How libtorch was found. */
    public enum Mode { EMBEDDED, EXTERNAL }

    private static volatile LibTorch instance;

    private final Mode mode;
    private final Path directory;
    private final String version;
    private final SymbolLookup lookup;
    private final boolean hasCudaLibrary;

    private LibTorch(Mode mode, Path directory, String version, SymbolLookup lookup, boolean hasCudaLibrary) {
        this.mode = mode;
        this.directory = directory;
        this.version = version;
        this.lookup = lookup;
        this.hasCudaLibrary = hasCudaLibrary;
    }

    /** The loaded libtorch, loading it on first use. */
    public static LibTorch get() {
        LibTorch lt = instance;
        if (lt == null) {
            synchronized (LibTorch.class) {
                lt = instance;
                if (lt == null) {
                    instance = lt = load();
                    TorchLog.quietByDefault();   // after instance is set: linking the libc/c10 calls asks for it
                }
            }
        }
        return lt;
    }

    /** The folder configured for external mode, if any. */
    public static Optional<Path> externalDirectory() {
        String dir = System.getProperty("jclip.libtorch");
        if (dir == null || dir.isBlank()) dir = System.getenv("JCLIP_LIBTORCH");
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    private static LibTorch load() {
        Threads.beforeLoad();
        Optional<Path> ext = externalDirectory();
        LibTorch lt = ext.isPresent() ? loadExternal(ext.get()) : loadEmbedded();
        instance = lt;
        Threads.afterLoad();
        return lt;
    }

    /** External mode from {@code dir}; package-private so that tests can check its refusals without replacing the loaded library. */
    static LibTorch loadExternal(Path dir) {
        Path cpu = dir.resolve("libtorch_cpu.so");
        if (!Files.isRegularFile(cpu)) {
            throw new TorchException("external libtorch: no libtorch_cpu.so in " + dir.toAbsolutePath()
                    + " (set -Djclip.libtorch / JCLIP_LIBTORCH to a LibTorch lib/ folder or a PyTorch torch/lib folder)");
        }
        String version = readVersion(dir).or(() -> versionFromPath(dir)).orElse("unknown (>= 2.10 required)");
        return open(Mode.EXTERNAL, dir, version);
    }

    private static LibTorch loadEmbedded() {
        Path dir;
        try {
            // Loads libtorch_cpu.so & co. and the JNI library; returns their extracted paths.
            String[] loaded = org.bytedeco.javacpp.Loader.load(new Class<?>[]{org.bytedeco.pytorch.global.torch.class}, false);
            dir = null;
            for (String f : loaded) {
                if (f == null) continue;
                Path p = Path.of(f).getParent();
                if (p != null && Files.isRegularFile(p.resolve("libtorch_cpu.so"))) { dir = p; break; }
            }
            if (dir == null) {
                Path cpu = org.bytedeco.javacpp.Loader.cacheResource(org.bytedeco.pytorch.global.torch.class,
                        org.bytedeco.javacpp.Loader.getPlatform() + "/libtorch_cpu.so").toPath();
                dir = cpu.getParent();
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new TorchException("could not load Bytedeco's libtorch (org.bytedeco:pytorch on the class path): " + e, e);
        }
        String v = org.bytedeco.pytorch.global.torch.class.getPackage().getImplementationVersion();
        String version = readVersion(dir).orElse(v != null ? v.replaceAll("-1\\.5.*", "") : "2.10.0");
        return open(Mode.EMBEDDED, dir, version);
    }

    private static LibTorch open(Mode mode, Path dir, String version) {
        Arena global = Arena.global();
        List<SymbolLookup> libs = new ArrayList<>();
        // Order: dependencies first so each dlopen finds them already loaded.
        for (String name : new String[]{"libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                try {
                    libs.add(SymbolLookup.libraryLookup(p, global));
                } catch (IllegalArgumentException e) {
                    throw new TorchException("could not dlopen " + p + ": " + e.getMessage(), e);
                }
            }
        }
        boolean cuda = Files.isRegularFile(dir.resolve("libtorch_cuda.so"));
        // dlsym on libtorch_cuda's handle also searches its dependencies (libcudart, and in a pip
        // PyTorch libnccl.so.2); where NCCL is not one of them, JCLIP_NCCL or the loader's path.
        SymbolLookup nccl = cuda ? ncclLookup(global) : null;
        SymbolLookup lookup = name -> {
            for (SymbolLookup l : libs) {
                Optional<MemorySegment> s = l.find(name);
                if (s.isPresent()) return s;
            }
            return nccl != null && name.startsWith("nccl") ? nccl.find(name) : Optional.empty();
        };
        return new LibTorch(mode, dir, version, lookup, cuda);
    }

    /** libnccl.so.2 from {@code JCLIP_NCCL} (a file) or the dynamic loader's search path, opened on first use. */
    private static SymbolLookup ncclLookup(Arena arena) {
        return new SymbolLookup() {
            private volatile SymbolLookup lib;
            private volatile boolean tried;
            @Override public Optional<MemorySegment> find(String name) {
                if (!tried) {
                    synchronized (this) {
                        if (!tried) {
                            String path = System.getenv("JCLIP_NCCL");
                            try {
                                lib = path != null && !path.isBlank() ? SymbolLookup.libraryLookup(Path.of(path), arena)
                                        : SymbolLookup.libraryLookup("libnccl.so.2", arena);
                            } catch (IllegalArgumentException e) {
                                lib = null;
                            }
                            tried = true;
                        }
                    }
                }
                return lib == null ? Optional.empty() : lib.find(name);
            }
        };
    }

    /** A Bytedeco cache folder names its jar: {@code .../pytorch-2.10.0-1.5.13-linux-x86_64.jar/...}. */
    private static Optional<String> versionFromPath(Path dir) {
        Matcher m = Pattern.compile("pytorch-(\\d+\\.\\d+\\.\\d+)-").matcher(dir.toAbsolutePath().toString());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Reads the version from a pip install ({@code ../version.py}) or a LibTorch zip ({@code ../build-version}). */
    private static Optional<String> readVersion(Path dir) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent == null) return Optional.empty();
            Path py = parent.resolve("version.py");
            if (Files.isRegularFile(py)) {
                Matcher m = Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]").matcher(Files.readString(py));
                if (m.find()) return Optional.of(m.group(1));
            }
            Path bv = parent.resolve("build-version");
            if (Files.isRegularFile(bv)) return Optional.of(Files.readString(bv).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** A symbol in the loaded libraries, or a clear exception naming it. */
    MemorySegment symbol(String name) {
        return lookup.find(name).orElseThrow(() -> new TorchException(
                "symbol " + name + " not found in libtorch at " + directory + " (" + version + ")"));
    }

    Optional<MemorySegment> findSymbol(String name) { return lookup.find(name); }

    public Mode mode() { return mode; }
    public Path directory() { return directory; }
    public String version() { return version; }

    /** Whether the JNI bridge (Bytedeco's Java API over the same libtorch) can be used. */
    public boolean hasJni() { return mode == Mode.EMBEDDED; }

    /** Whether this libtorch build has CUDA kernels (libtorch_cuda.so is present). */
    public boolean isCudaBuild() { return hasCudaLibrary; }

    /** Number of CUDA devices visible (0 on a CPU build or without a GPU). */
    public int cudaDeviceCount() {
        if (!hasCudaLibrary) return 0;
        if (lookup.find("_ZN3c104cuda12device_countEv").isEmpty()) return 0;
        return NativeApi._ZN3c104cuda12device_countEv();
    }

    /** The devices jclip can use here: the CPU and each CUDA device. */
    public List<Device> devices() {
        List<Device> out = new ArrayList<>();
        out.add(Device.CPU);
        for (int i = 0; i < cudaDeviceCount(); i++) out.add(Device.cuda(i));
        return out;
    }
}
