package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns a model's parameters and buffers by state-dict key, like tch-rs's {@code VarStore}. Modules
 * declare their slots (name and shape, no memory) while the model is built; tensors arrive later
 * through {@link #load} (strict by default: every missing, unexpected and mis-shaped key is listed)
 * or initialisation. The store's tensors live outside every {@link Scope} and are freed by
 * {@link #close()}. It also carries the model-wide training flag (BatchNorm reads it).
 *
 * <pre>{@code
 * try (ParameterStore store = new ParameterStore()) {
 *     Parameter w = store.parameter("proj.weight", 4, 8);
 *     store.load(Map.of("proj.weight", someTensor), true);
 *     store.to(Device.CPU, DType.F64);
 *     List<Tensor> trainable = store.parameters();
 * }
 * }</pre>
 */
public final class ParameterStore implements AutoCloseable {
    private final Map<String, Parameter> slots = new LinkedHashMap<>();
    private boolean training;
    private boolean requiresGrad;
    private boolean closed;
    private final List<PackedCache> caches = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Declares a trainable parameter (no memory is allocated). */
    public Parameter parameter(String name, long... shape) { return declare(name, shape, Parameter.Kind.PARAMETER); }

    /** Declares a buffer: state that is loaded and moved with the model but not trained. */
    public Parameter buffer(String name, long... shape) { return declare(name, shape, Parameter.Kind.BUFFER); }

    private Parameter declare(String name, long[] shape, Parameter.Kind kind) {
        checkOpen();
        if (slots.containsKey(name)) throw new IllegalArgumentException("parameter '" + name + "' declared twice");
        Parameter p = new Parameter(name, shape, kind);
        slots.put(name, p);
        return p;
    }

    /** Every slot in declaration order (the reference's state-dict order). */
    public Collection<Parameter> entries() { return Collections.unmodifiableCollection(slots.values()); }

    /** The slot named {@code name}, or null. */
    public Parameter entry(String name) { return slots.get(name); }

    /** Declared shapes by key: what {@link ClipArchitecture#inferFrom} reads, without any tensor. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        slots.forEach((k, p) -> out.put(k, p.shape()));
        return out;
    }

    /** Elements of all declared trainable parameters (buffers excluded), computed from shapes alone. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : slots.values()) if (!p.isBuffer()) n += p.numel();
        return n;
    }

    // ---- loading ----

    /**
     * Copies the tensors of {@code stateDict} into the declared slots (the store owns the copies;
     * the caller still owns and closes {@code stateDict}). Dtypes are kept as in the checkpoint.
     * With {@code strict}, any missing key, unexpected key or shape difference fails before
     * anything is copied; otherwise matching keys are loaded and mismatches reported.
     *
     * @return the mismatches that were tolerated (empty lists when everything matched)
     * @throws StateDictMismatchException in strict mode when anything does not match
     */
    public LoadReport load(Map<String, Tensor> stateDict, boolean strict) {
        checkOpen();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (Parameter p : slots.values()) {
            Tensor t = stateDict.get(p.name());
            if (t == null) { missing.add(p.name()); continue; }
            long[] s = t.shape();
            if (!Arrays.equals(s, p.shape())) {
                shapes.add(p.name() + ": checkpoint " + Arrays.toString(s) + " vs model " + Arrays.toString(p.shape()));
            }
        }
        for (String k : stateDict.keySet()) if (!slots.containsKey(k)) unexpected.add(k);
        if (strict && !(missing.isEmpty() && unexpected.isEmpty() && shapes.isEmpty())) {
            throw new StateDictMismatchException(missing, unexpected, shapes);
        }
        clearPackedCaches();
        try (var g = Torch.noGrad()) {
            for (Parameter p : slots.values()) {
                Tensor t = stateDict.get(p.name());
                if (t == null || !Arrays.equals(t.shape(), p.shape())) continue;
                try (Scope s = Scope.open()) {
                    // clone first so the store never shares memory with the caller's (maybe mapped) tensors
                    assign(p, t.detach().copy().contiguous().persist());
                }
            }
        }
        return new LoadReport(missing, unexpected, shapes);
    }

    /** Mismatches tolerated by a non-strict {@link #load}. */
    public record LoadReport(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        public boolean isClean() { return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty(); }
    }

    /** Puts a freshly made tensor (owned by the store from now on) into {@code p}. */
    void assign(Parameter p, Tensor t) {
        if (!Arrays.equals(t.shape(), p.shape())) {
            throw new IllegalArgumentException(p.name() + ": tensor " + t.describe() + " does not have the declared shape "
                    + Arrays.toString(p.shape()));
        }
        t.persist();
        if (!p.isBuffer() && requiresGrad) t.requiresGrad(true);
        p.set(t);
    }

    /** Every slot has a tensor. */
    public boolean isComplete() {
        for (Parameter p : slots.values()) if (!p.isSet()) return false;
        return true;
    }

    /** The current tensors by key (owned by the store: do not close them). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : slots.values()) if (p.isSet()) out.put(p.name(), p.get());
        return out;
    }

    // ---- device, dtype, grad ----

    /**
     * Moves every tensor to {@code device}; floating-point ones also become {@code dtype} (null:
     * keep), integer buffers keep their dtype. Gradients are dropped, {@code requiresGrad} kept.
     */
    public void to(Device device, DType dtype) {
        checkOpen();
        if (dtype != null && !dtype.isFloatingPoint()) throw new IllegalArgumentException("model dtype must be floating point, got " + dtype);
        clearPackedCaches();
        try (var g = Torch.noGrad()) {
            for (Parameter p : slots.values()) {
                if (!p.isSet()) continue;
                Tensor old = p.get();
                DType target = dtype != null && old.dtype().isFloatingPoint() ? dtype : old.dtype();
                Device dev = device != null ? device : old.device();
                if (target == old.dtype() && dev.equals(old.device())) continue;
                Tensor moved = old.to(dev, target).persist();
                if (!p.isBuffer() && requiresGrad) moved.requiresGrad(true);
                p.set(moved);
            }
        }
    }

    /** Turns gradient recording for every trainable parameter on or off (off after loading: inference). */
    public void requiresGrad(boolean on) {
        checkOpen();
        requiresGrad = on;
        for (Parameter p : slots.values()) if (!p.isBuffer() && p.isSet()) p.get().requiresGrad(on);
    }

    public boolean requiresGrad() { return requiresGrad; }

    /** The trainable tensors, for an optimizer (owned by the store). */
    public List<Tensor> parameters() {
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : slots.values()) if (!p.isBuffer() && p.isSet()) out.add(p.get());
        return out;
    }

    /** Drops every parameter's gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        for (Tensor t : parameters()) t.setGrad(null);
    }

    /** Training mode (BatchNorm uses batch statistics and updates its running ones) or evaluation. */
    public void train(boolean on) { training = on; }

    public boolean isTraining() { return training; }

    /** A cache of inference-only tensors derived from this store's parameters, freed with the store. */
    PackedCache packedCache() {
        PackedCache c = new PackedCache();
        caches.add(c);
        return c;
    }

    /** Drops every derived inference tensor (they are remade from the current parameters on next use). */
    public void clearPackedCaches() {
        for (PackedCache c : caches) c.clear();
    }

    /** Frees every tensor; the slots stay declared but empty. Idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        clearPackedCaches();
        for (Parameter p : slots.values()) p.set(null);
    }

    public boolean isClosed() { return closed; }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("parameter store is closed");
    }
}
