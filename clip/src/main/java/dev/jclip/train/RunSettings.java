package dev.jclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that decide what a run computes (data, model, schedule, optimizer, precision,
 * frozen towers, ranks), by the command-line option that sets each. They are stored in every
 * checkpoint ({@code train_state.json}, {@code extra.settings}); a resumed run must match them
 * exactly, because resuming promises the run an uninterrupted one would have been. Settings that do
 * not change the result (workers, device, checkpoint and log intervals, time limit) are not here.
 *
 * <pre>{@code
 * RunSettings now = new RunSettings().put("--lr", 1e-3).put("--batch", 64);
 * now.requireSame(recordedJson, out);   // "--resume: ... --lr 0.002 (the run used 0.001)"
 * }</pre>
 */
public final class RunSettings {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where in {@code train_state.json} they are kept: {@code extra.settings}. */
    public static final String KEY = "settings";
    private final Map<String, String> values = new LinkedHashMap<>();

    /** Records {@code name} (an option, e.g. {@code --lr}) with its value in effect; null is recorded as "none". */
    public RunSettings put(String name, Object value) {
        values.put(name, value == null ? "none" : value instanceof Double d ? shortest(d) : value.toString());
        return this;
    }

    private static String shortest(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    public Map<String, String> values() { return Map.copyOf(values); }

    /** As JSON, for {@code train_state.json}. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        values.forEach(n::put);
        return n;
    }

    /**
     * The differences between these settings and {@code recorded} (a {@link #toJson()} object), one
     * entry per option: {@code --lr 0.002 (the run used 0.001)}. Empty when the run may continue.
     */
    public List<String> differences(JsonNode recorded) {
        List<String> out = new ArrayList<>();
        for (var e : values.entrySet()) {
            JsonNode was = recorded.get(e.getKey());
            if (was == null) out.add(e.getKey() + " " + e.getValue() + " (the run did not record it)");
            else if (!was.asText().equals(e.getValue())) out.add(e.getKey() + " " + e.getValue() + " (the run used " + was.asText() + ")");
        }
        for (Iterator<String> it = recorded.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!values.containsKey(k)) out.add(k + " (the run used " + recorded.get(k).asText() + ", now unset)");
        }
        return out;
    }

    /**
     * Refuses to resume when the settings differ from those in the checkpoint's state JSON
     * ({@code extra.settings}); a checkpoint written before settings were recorded is accepted.
     *
     * @return false when the checkpoint records no settings (nothing could be checked)
     */
    public boolean requireSame(JsonNode trainState, java.nio.file.Path out) {
        JsonNode rec = trainState == null ? null : trainState.path("extra").get(KEY);
        if (rec == null || !rec.isObject()) return false;
        List<String> diff = differences(rec);
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("--resume: the run in " + out + " was started with other settings: " + String.join(", ", diff)
                    + ". Resuming continues that run exactly; pass its settings, or start a new run with another --out (or --overwrite)");
        }
        return true;
    }
}
