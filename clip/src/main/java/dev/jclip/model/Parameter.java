package dev.jclip.model;

import dev.jclip.torch.Tensor;

import java.util.Arrays;

/**
 * One named slot of a {@link ParameterStore}: its full state-dict key, declared shape, whether it
 * is trainable or a buffer (BatchNorm statistics), and the tensor currently in it. Modules hold
 * slots, not tensors, so that {@link ParameterStore#to} can swap the tensors (new device, new
 * dtype) without the modules noticing; the shape is known before any tensor exists, which is how
 * a 600M-parameter architecture is counted without allocating it.
 *
 * <pre>{@code
 * Parameter w = store.parameter("visual.conv1.weight", 768, 3, 32, 32);
 * Tensor y = F.conv2d(x, w.get(), null, 32, 0);
 * }</pre>
 */
public final class Parameter {
    /** Trainable (in {@link ParameterStore#parameters()}) or a buffer (state only). */
    public enum Kind { PARAMETER, BUFFER }

    private final String name;
    private final long[] shape;
    private final Kind kind;
    private Tensor tensor;

    Parameter(String name, long[] shape, Kind kind) {
        this.name = name;
        this.shape = shape.clone();
        this.kind = kind;
    }

    /** The state-dict key, e.g. {@code transformer.resblocks.0.attn.in_proj_weight}. */
    public String name() { return name; }

    /** The declared shape (what a checkpoint must hold under {@link #name()}). */
    public long[] shape() { return shape.clone(); }

    public Kind kind() { return kind; }

    public boolean isBuffer() { return kind == Kind.BUFFER; }

    /** Number of elements of the declared shape. */
    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** Whether a tensor has been loaded or initialised into this slot. */
    public boolean isSet() { return tensor != null; }

    /**
     * The tensor in this slot (owned by the store: do not close it).
     *
     * @throws IllegalStateException when nothing was loaded yet or the store is closed
     */
    public Tensor get() {
        if (tensor == null) {
            throw new IllegalStateException("parameter '" + name + "' " + Arrays.toString(shape)
                    + " has no tensor: load a state dict (or initialise the model) first, and do not use a closed model");
        }
        return tensor;
    }

    /** Replaces the tensor; the previous one is closed unless it is the same object. */
    void set(Tensor t) {
        Tensor old = tensor;
        tensor = t;
        if (old != null && old != t) old.close();
    }

    @Override public String toString() {
        return name + " " + Arrays.toString(shape) + (kind == Kind.BUFFER ? " (buffer)" : "")
                + (tensor == null ? " <unset>" : " " + tensor.describe());
    }
}
