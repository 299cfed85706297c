package dev.jclip.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.io.AtomicFile;
import dev.jclip.io.CheckpointException;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorBridge;
import dev.jclip.io.TensorData;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint folder:
 * <ul>
 *   <li>{@code model.safetensors}: the weights under their reference names, metadata {@code config}
 *       (the architecture JSON), {@code tokenizer} (e.g. {@code {"type":"bytes"}}) and {@code step} —
 *       a plain CLIP checkpoint that zero-shot and embed read with no further flags;</li>
 *   <li>{@code train_state.safetensors}: AdamW moments and step counts ({@code optim.*}), the loss
 *       scaler ({@code scaler.*});</li>
 *   <li>{@code train_state.json}: step, seed, the training config and what the caller adds.</li>
 * </ul>
 * Each file is written to a temporary file in the folder and renamed; the step is stored in all
 * three so that a set torn by a crash between renames is detected on resume. {@link RunFolder}
 * commits the three as one unit (a step folder and a pointer).
 *
 * <pre>{@code
 * TrainCheckpoint.save(dir, trainer, configJson, "{\"type\":\"bytes\"}", extraJson);
 * long step = TrainCheckpoint.resume(dir, trainer);
 * }</pre>
 */
public final class TrainCheckpoint {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String STATE_FILE = "train_state.safetensors";
    public static final String JSON_FILE = "train_state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainCheckpoint() {}

    /**
     * Writes the three files for the trainer's current step. {@code modelConfigJson} and
     * {@code tokenizerJson} go into the model's metadata; {@code extra} (may be null) into the JSON.
     */
    public static void save(Path dir, Trainer trainer, String modelConfigJson, String tokenizerJson, ObjectNode extra) {
        save(dir, trainer, modelConfigJson, tokenizerJson, Map.of(), extra);
    }

    /** As above, with further entries for the model's metadata (e.g. {@code image_transform}). */
    public static void save(Path dir, Trainer trainer, String modelConfigJson, String tokenizerJson, Map<String, String> modelMetadata,
                            ObjectNode extra) {
        long step = trainer.step();
        try (Arena arena = Arena.ofConfined()) {
            Map<String, String> meta = new LinkedHashMap<>();
            if (modelConfigJson != null) meta.put("config", modelConfigJson);
            if (tokenizerJson != null) meta.put("tokenizer", tokenizerJson);
            meta.putAll(modelMetadata);
            meta.put("step", Long.toString(step));
            meta.put("format", "pt");
            Map<String, TensorData> state = new LinkedHashMap<>();
            trainer.optimizer().state().forEach((k, v) -> state.put("optim." + k, TensorBridge.toData(v, arena)));
            if (trainer.scaler() != null) trainer.scaler().state().forEach((k, v) -> state.put("scaler." + k, TensorBridge.toData(v, arena)));
            Safetensors.write(dir.resolve(STATE_FILE), state, Map.of("step", Long.toString(step)));
            Safetensors.write(dir.resolve(MODEL_FILE), TensorBridge.toData(trainer.model().stateDict(), arena), meta);
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("step", step);
        json.put("seed", trainer.config().seed());
        json.put("precision", trainer.config().precision().toString());
        json.set("train_config", JSON.valueToTree(describe(trainer.config())));
        if (trainer.scaler() != null) json.put("loss_scale", trainer.scaler().scale());
        if (extra != null) json.set("extra", extra);
        writeJsonAtomically(dir.resolve(JSON_FILE), json);
    }

    private static Map<String, Object> describe(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", c.steps());
        m.put("batch_size", c.batchSize());
        m.put("accum_steps", c.accumSteps());
        m.put("lr", c.lr());
        m.put("warmup", c.warmup());
        m.put("beta1", c.adam().beta1());
        m.put("beta2", c.adam().beta2());
        m.put("eps", c.adam().eps());
        m.put("weight_decay", c.adam().weightDecay());
        m.put("grad_clip_norm", c.gradClipNorm());
        m.put("label_smoothing", c.labelSmoothing());
        m.put("device", c.device().toString());
        return m;
    }

    /**
     * Loads weights, optimizer and scaler state into {@code trainer} (built with the same model
     * architecture and config) and sets its step; returns the step. Throws
     * {@link CheckpointException} naming the file on a missing or mismatched entry. {@code dir} is a
     * checkpoint folder, or a run folder whose pointer names one ({@link RunFolder}).
     */
    public static long resume(Path dir, Trainer trainer) {
        dir = RunFolder.checkpointDir(dir);
        JsonNode json = readJson(dir.resolve(JSON_FILE));
        long step = json.path("step").asLong(-1);
        if (step < 0) throw new CheckpointException(dir.resolve(JSON_FILE), "no 'step' field");
        try (StateDict model = Safetensors.read(dir.resolve(MODEL_FILE));
             StateDict state = Safetensors.read(dir.resolve(STATE_FILE))) {
            checkStep(model, step);
            checkStep(state, step);
            try (Scope s = Scope.open(); var ng = dev.jclip.torch.Torch.noGrad()) {
                for (var e : trainer.model().stateDict().entrySet()) {
                    TensorData d = model.tensors().get(e.getKey());
                    if (d == null) throw new CheckpointException(model.source(), "missing parameter '" + e.getKey() + "'");
                    if (!Arrays.equals(d.shape(), e.getValue().shape())) {
                        throw new CheckpointException(model.source(), "parameter '" + e.getKey() + "' has shape " + Arrays.toString(d.shape())
                                + ", the model expects " + Arrays.toString(e.getValue().shape()));
                    }
                    e.getValue().copy_(TensorBridge.toTensor(d));
                }
                trainer.optimizer().loadState(prefixed(state, "optim."));
                if (trainer.scaler() != null) trainer.scaler().loadState(prefixed(state, "scaler."));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(state.source(), e.getMessage(), e);
            }
        }
        trainer.setStep(step);
        return step;
    }

    private static Map<String, Tensor> prefixed(StateDict sd, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        sd.tensors().forEach((k, v) -> { if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), TensorBridge.toTensor(v)); });
        return out;
    }

    private static void checkStep(StateDict sd, long step) {
        String s = sd.metadata().get("step");
        if (s == null || !s.equals(Long.toString(step))) {
            throw new CheckpointException(sd.source(), "holds step " + s + " but " + JSON_FILE + " says " + step
                    + " (an interrupted save?)");
        }
    }

    /** The parsed {@code train_state.json}. */
    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes JSON through a temporary file in the same folder and an atomic rename. */
    public static void writeJsonAtomically(Path file, JsonNode json) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot encode JSON: " + e.getMessage(), e);
        }
        AtomicFile.write(file, bytes);
    }
}
