package dev.jclip.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A TorchScript object from an archive's pickle ({@code __torch__.clip.model.CLIP},
 * {@code __torch__.torch.nn.modules.linear.Linear}, ...), kept as a plain attribute holder: its
 * class is never looked up or run. Attributes keep the archive's order.
 *
 * <pre>{@code
 * TorchObject root = ...;                 // from TorchScriptArchive
 * Object proj = root.attributes().get("text_projection");
 * }</pre>
 */
public final class TorchObject {
    private final String className;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private Object extraState;

    TorchObject(String className) { this.className = className; }

    /** The qualified class name, e.g. {@code __torch__.clip.model.CLIP}. */
    public String className() { return className; }

    /** Attributes restored by the pickle's BUILD (submodules, tensors, flags), in order. */
    public Map<String, Object> attributes() { return Collections.unmodifiableMap(attributes); }

    /** A state that was not an attribute dict (objects with a custom {@code __getstate__}), or null. */
    public Object extraState() { return extraState; }

    /** Applies a BUILD state: a dict of attributes, a (dict, slots) pair, or anything else kept as is. */
    void setState(Object state) {
        if (state instanceof Object[] pair && pair.length == 2 && (pair[0] == null || pair[0] instanceof Map)) {
            if (pair[0] != null) setState(pair[0]);
            if (pair[1] instanceof Map<?, ?> slots) putAll(slots);
            return;
        }
        if (state instanceof Map<?, ?> m) putAll(m);
        else extraState = state;
    }

    private void putAll(Map<?, ?> m) {
        m.forEach((k, v) -> attributes.put(String.valueOf(k), v));
    }

    @Override public String toString() { return className + attributes.keySet(); }
}
