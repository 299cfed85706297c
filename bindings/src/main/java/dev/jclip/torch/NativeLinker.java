package dev.jclip.torch;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Links the downcalls of {@link NativeApi}: libtorch's libraries first, then libc. */
final class NativeLinker {
    private static final Linker LINKER = Linker.nativeLinker();

    private NativeLinker() {}

    static MethodHandle link(String name, FunctionDescriptor fd, boolean critical) {
        MemorySegment sym = find(name).orElseThrow(() -> new TorchException(
                "symbol " + name + " not found in libtorch at " + LibTorch.get().directory()
                        + " (" + LibTorch.get().version() + ") nor in libc"));
        return critical ? LINKER.downcallHandle(sym, fd, Linker.Option.critical(false)) : LINKER.downcallHandle(sym, fd);
    }

    static Optional<MemorySegment> find(String name) {
        Optional<MemorySegment> s = LibTorch.get().findSymbol(name);
        return s.isPresent() ? s : LINKER.defaultLookup().find(name);
    }

    static RuntimeException rethrow(String name, Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new TorchException("native call " + name + " failed: " + t, t);
    }
}
