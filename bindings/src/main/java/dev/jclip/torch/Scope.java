package dev.jclip.torch;

import java.util.ArrayList;

/**
 * Owns the tensors created on this thread while it is open: closing the scope frees each of them
 * except those {@linkplain #keep(Tensor) kept}, which move to the enclosing scope (or, outside any
 * scope, are freed by {@link Tensor#close()} or, as a last resort, the Cleaner). Scopes nest and are
 * per thread; open and close them on the same thread (try-with-resources).
 *
 * <pre>{@code
 * Tensor logits;
 * try (Scope s = Scope.open()) {
 *     Tensor h = x.matmul(w).relu();          // freed when the scope closes
 *     logits = s.keep(h.matmul(w2));          // survives the scope
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread owner;
    private final ArrayList<Tensor> tensors = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
        this.owner = Thread.currentThread();
    }

    /** Opens a scope nested in the current one. */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    static Scope current() { return CURRENT.get(); }

    void add(Tensor t) {
        t.scope = this;
        tensors.add(t);
    }

    void release(Tensor t) {
        // Tensors are found by identity at close; a released one no longer points at this scope.
        t.leaveScopeToParent(parent);
    }

    /** Keeps {@code t} alive past this scope (it moves to the enclosing scope) and returns it. */
    public Tensor keep(Tensor t) {
        if (t.scope == this) release(t);
        return t;
    }

    /** Keeps every tensor of {@code ts}. */
    public Tensor[] keep(Tensor... ts) {
        for (Tensor t : ts) keep(t);
        return ts;
    }

    /** Number of tensors this scope still owns. */
    public int size() {
        int n = 0;
        for (Tensor t : tensors) if (t.scope == this && !t.isClosed()) n++;
        return n;
    }

    @Override public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new TorchException("a Scope must be closed on the thread that opened it (" + owner.getName() + ")");
        }
        closed = true;
        if (CURRENT.get() != this) {
            throw new TorchException("scopes closed out of order: close inner scopes first (try-with-resources)");
        }
        CURRENT.set(parent);
        for (Tensor t : tensors) {
            if (t.scope == this) { t.scope = null; t.close(); }
        }
        tensors.clear();
    }
}
