package dev.jclip.torch;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Arithmetic that libtorch's C ABI cannot express through the dispatcher because the schema has a
 * {@code Scalar} (add/sub's {@code alpha}): it goes through the aten shim
 * {@code aoti_torch_aten_subtract_Tensor}, which takes alpha as a double and dispatches normally
 * (autograd and autocast included): {@code a + alpha*b == subtract(a, b, -alpha)}. Java numbers
 * become 0-dim tensors typed the way PyTorch treats a Python number.
 */
final class Arith {
    private Arith() {}

    static Tensor add(Tensor a, Tensor b, double alpha) {
        if (!a.dtype().isFloatingPoint() && !b.dtype().isFloatingPoint()) return addIntegral(a, b, alpha);
        MemorySegment out = Dispatch.FRAME.get().out;
        if (subtract(a, b, alpha, out) == 0) return Tensor.adopt(out); // subtract always allocates: never an alias of a segment
        String why = ErrorCapture.replay(() -> {
            int r = subtract(a, b, alpha, out);
            if (r == 0) Tensor.adoptTemporary(out.get(JAVA_LONG, 0)).close();
            return r;
        });
        throw new TorchException("aten::" + (alpha < 0 ? "sub" : "add") + ".Tensor failed" + (why != null ? ": " + why : "")
                + "\n  arguments: self=" + a.describe() + ", other=" + b.describe() + ", alpha=" + alpha);
    }

    /** {@code a + alpha*b} as {@code subtract(a, b, -alpha)} into {@code out}, both tensors held for the call; the return code. */
    private static int subtract(Tensor a, Tensor b, double alpha, MemorySegment out) {
        MemorySegment ha = a.acquire();
        try {
            MemorySegment hb = b.acquire();
            try {
                return KeepAlive.subtract(ha, hb, -alpha, out, a.backing(), b.backing());
            } finally {
                b.release();
            }
        } finally {
            a.release();
        }
    }

    /**
     * Integer (and bool) tensors: the shim's double alpha is refused by libtorch for integral
     * inputs, so sum the broadcast pair exactly instead: {@code sum(stack(a, alpha*b), 0)} in the
     * promoted dtype.
     */
    private static Tensor addIntegral(Tensor a, Tensor b, double alpha) {
        if (alpha != Math.rint(alpha)) {
            throw new TorchException("aten::add.Tensor: alpha " + alpha + " must be a whole number for integral tensors "
                    + a.describe() + " and " + b.describe());
        }
        try (Scope s = Scope.open()) {
            Tensor scaled = b;
            if (alpha != 1) {
                try (Tensor k = scalarFor(b, alpha)) { scaled = Ops.mul(b, k); }
            }
            DType result = Ops.resultType(a, scaled);
            Tensor[] pair = Ops.broadcastTensors(new Tensor[]{a, scaled});
            return s.keep(Ops.sumDim(Ops.stack(pair, 0), new long[]{0}, false, result));
        }
    }

    /**
     * A 0-dim CPU tensor for a Java number used with {@code like}, typed so that promotion gives
     * what PyTorch gives for a Python number: for a floating {@code like} with dimensions, float64
     * (a dimensioned tensor's dtype wins over a 0-dim one of the same category); for a 0-dim
     * floating {@code like}, {@code like}'s own dtype (two 0-dim tensors would promote); float32
     * when {@code like} is integral and {@code v} is not a whole number; int64 otherwise. The caller
     * closes it.
     */
    static Tensor scalarFor(Tensor like, double v) {
        MemorySegment out = Dispatch.FRAME.get().out;
        DType dt = like.dtype();
        int rc;
        if (dt.isFloatingPoint()) {
            if (dt != DType.F64 && like.dim() == 0) {
                Dispatch.check(NativeApi.aoti_torch_scalar_to_tensor_float64(v, out), "aoti_torch_scalar_to_tensor_float64");
                try (Tensor d = Tensor.adoptTemporary(out.get(JAVA_LONG, 0))) {
                    Tensor t = Ops.to(d, dt, null, null, false, false, null);
                    // to() registered it with the current scope: the caller owns it instead.
                    t.persist();
                    return t;
                }
            }
            rc = NativeApi.aoti_torch_scalar_to_tensor_float64(v, out);
        } else if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 0x1p62) {
            rc = NativeApi.aoti_torch_scalar_to_tensor_int64((long) v, out);
        } else {
            rc = NativeApi.aoti_torch_scalar_to_tensor_float32((float) v, out);
        }
        Dispatch.check(rc, "aoti_torch_scalar_to_tensor");
        return Tensor.adoptTemporary(out.get(JAVA_LONG, 0));
    }
}
