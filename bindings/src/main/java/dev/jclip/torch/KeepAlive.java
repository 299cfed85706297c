package dev.jclip.torch;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Native calls that read or write the memory of a {@link Torch#fromSegment} tensor (a mapped
 * checkpoint, a user's arena), made so that the segment's arena cannot be closed while the call
 * runs: the segments ride along as extra, unused arguments. The FFM linker keeps the arena of
 * every segment passed to a downcall alive for the call's length (closing a shared arena then
 * throws {@code IllegalStateException} in the closing thread), which is exactly the guarantee
 * wanted. Extra trailing arguments are harmless to a non-variadic C function on every ABI jclip
 * runs on (x86-64 System V and Windows, AArch64: the caller owns and cleans the argument area,
 * and the callee never reads registers or slots past its own parameters).
 *
 * <p>At most {@link #MAX} distinct arenas per call; one mapped checkpoint is one arena however
 * many of its tensors an op takes.
 */
final class KeepAlive {
    /** The most distinct arenas one call can hold. */
    static final int MAX = 4;

    private KeepAlive() {}

    private static MethodHandle link(String name, FunctionDescriptor base, int extra) {
        FunctionDescriptor fd = base;
        for (int i = 0; i < extra; i++) fd = fd.appendArgumentLayouts(ADDRESS);
        return NativeLinker.link(name, fd, false);
    }

    private static final class Dispatcher {
        static final FunctionDescriptor FD = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
        static final MethodHandle K1 = link("torch_call_dispatcher", FD, 1);
        static final MethodHandle K2 = link("torch_call_dispatcher", FD, 2);
        static final MethodHandle K3 = link("torch_call_dispatcher", FD, 3);
        static final MethodHandle K4 = link("torch_call_dispatcher", FD, 4);
    }

    private static final class Subtract {
        static final FunctionDescriptor FD = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS);
        static final MethodHandle K1 = link("aoti_torch_aten_subtract_Tensor", FD, 1);
        static final MethodHandle K2 = link("aoti_torch_aten_subtract_Tensor", FD, 2);
    }

    private static final class Fill {
        static final MethodHandle K1 = link("aoti_torch_aten_fill__Scalar", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE), 1);
    }

    /** {@code torch_call_dispatcher} holding {@code keep[0..n)} alive for the call. */
    static int dispatcher(MemorySegment op, MemorySegment overload, MemorySegment stack, long version, MemorySegment[] keep, int n) {
        try {
            return switch (n) {
                case 0 -> NativeApi.torch_call_dispatcher(op, overload, stack, version);
                case 1 -> (int) Dispatcher.K1.invokeExact(op, overload, stack, version, keep[0]);
                case 2 -> (int) Dispatcher.K2.invokeExact(op, overload, stack, version, keep[0], keep[1]);
                case 3 -> (int) Dispatcher.K3.invokeExact(op, overload, stack, version, keep[0], keep[1], keep[2]);
                case 4 -> (int) Dispatcher.K4.invokeExact(op, overload, stack, version, keep[0], keep[1], keep[2], keep[3]);
                default -> throw new IllegalArgumentException("at most " + MAX + " arenas per call, got " + n);
            };
        } catch (IllegalStateException e) {
            throw freed(e);
        } catch (Throwable t) {
            throw NativeLinker.rethrow("torch_call_dispatcher", t);
        }
    }

    /** {@code aoti_torch_aten_subtract_Tensor} holding up to two segments alive. */
    static int subtract(MemorySegment a, MemorySegment b, double alpha, MemorySegment out, MemorySegment keepA, MemorySegment keepB) {
        try {
            if (keepA == null && keepB == null) return NativeApi.aoti_torch_aten_subtract_Tensor(a, b, alpha, out);
            if (keepA == null || keepB == null) {
                MemorySegment keep = keepA != null ? keepA : keepB; // a local: invokeExact needs the static type
                return (int) Subtract.K1.invokeExact(a, b, alpha, out, keep);
            }
            return (int) Subtract.K2.invokeExact(a, b, alpha, out, keepA, keepB);
        } catch (IllegalStateException e) {
            throw freed(e);
        } catch (Throwable t) {
            throw NativeLinker.rethrow("aoti_torch_aten_subtract_Tensor", t);
        }
    }

    /** {@code aoti_torch_aten_fill__Scalar} holding {@code keep} (may be null) alive. */
    static int fill(MemorySegment self, double value, MemorySegment keep) {
        try {
            if (keep == null) return NativeApi.aoti_torch_aten_fill__Scalar(self, value);
            return (int) Fill.K1.invokeExact(self, value, keep);
        } catch (IllegalStateException e) {
            throw freed(e);
        } catch (Throwable t) {
            throw NativeLinker.rethrow("aoti_torch_aten_fill__Scalar", t);
        }
    }

    /** The linker refuses a segment whose arena was closed between the check and the call. */
    static TorchException freed(IllegalStateException e) {
        return new TorchException(Tensor.FREED_MESSAGE, e);
    }
}
