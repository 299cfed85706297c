package dev.jclip.model;

import dev.jclip.torch.TorchException;

import java.util.List;

/**
 * A state dict that does not fit a model: keys the model needs but the dict lacks, keys the dict
 * has but the model does not know, and keys whose shapes differ. All three lists are reported at
 * once (like PyTorch's {@code load_state_dict(strict=True)} error), so one run shows every problem.
 *
 * <pre>{@code
 * try { store.load(stateDict, true); }
 * catch (StateDictMismatchException e) { System.err.println(e.missing()); }
 * }</pre>
 */
public final class StateDictMismatchException extends TorchException {
    private static final int SHOWN = 20;

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> shapeMismatches;

    public StateDictMismatchException(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        super(message(missing, unexpected, shapeMismatches));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    /** Keys the model declares that the state dict lacks. */
    public List<String> missing() { return missing; }

    /** Keys of the state dict the model does not declare. */
    public List<String> unexpected() { return unexpected; }

    /** {@code "key: checkpoint [a, b] vs model [c, d]"} for each shape difference. */
    public List<String> shapeMismatches() { return shapeMismatches; }

    private static String message(List<String> missing, List<String> unexpected, List<String> shapes) {
        StringBuilder b = new StringBuilder("state dict does not match the model:");
        append(b, "missing keys", missing);
        append(b, "unexpected keys", unexpected);
        append(b, "shape mismatches", shapes);
        return b.toString();
    }

    private static void append(StringBuilder b, String what, List<String> items) {
        if (items.isEmpty()) return;
        b.append("\n  ").append(items.size()).append(' ').append(what).append(": ");
        b.append(String.join(", ", items.subList(0, Math.min(SHOWN, items.size()))));
        if (items.size() > SHOWN) b.append(", ... (").append(items.size() - SHOWN).append(" more)");
    }
}
