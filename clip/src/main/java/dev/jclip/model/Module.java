package dev.jclip.model;

/**
 * Base of the model's building blocks: a {@link ParameterStore} plus this module's key prefix.
 * Keys are built from explicit path segments matching the reference's state dict
 * ({@code prefix + "attn.in_proj_weight"}), never from Java field names.
 *
 * <pre>{@code
 * final class Linear extends Module {
 *     Linear(ParameterStore s, String prefix, int in, int out) {
 *         super(s, prefix);
 *         weight = parameter("weight", out, in);
 *     }
 * }
 * }</pre>
 */
public abstract class Module {
    protected final ParameterStore store;
    /** Key prefix ending in '.' (or empty for the root). */
    protected final String prefix;

    protected Module(ParameterStore store, String prefix) {
        this.store = store;
        this.prefix = prefix.isEmpty() || prefix.endsWith(".") ? prefix : prefix + ".";
    }

    /** The prefix of child {@code name}: {@code prefix + name + "."}. */
    protected String child(String name) { return prefix + name + "."; }

    protected Parameter parameter(String name, long... shape) { return store.parameter(prefix + name, shape); }

    protected Parameter buffer(String name, long... shape) { return store.buffer(prefix + name, shape); }

    /** Whether the model is in training mode (BatchNorm statistics). */
    protected boolean training() { return store.isTraining(); }

    /** This module's key prefix without the trailing dot. */
    public String path() { return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1); }
}
