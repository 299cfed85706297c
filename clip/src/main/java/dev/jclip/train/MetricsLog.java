package dev.jclip.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Metrics as JSON lines ({@code OUT/metrics.jsonl}), one object per logged step, flushed each
 * line so that a crash loses nothing already reported. Appends (a resumed run continues the file).
 *
 * <pre>{@code
 * try (MetricsLog log = new MetricsLog(out.resolve("metrics.jsonl"))) {
 *     log.write(log.record().put("step", 1).put("loss", 2.3));
 * }
 * }</pre>
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    public MetricsLog(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** A new empty record to fill. */
    public ObjectNode record() { return JSON.createObjectNode(); }

    /** The record of a training step. */
    public static ObjectNode of(Trainer.StepResult r, double samplesPerSecond) {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", r.step());
        n.put("loss", r.loss());
        n.put("lr", r.lr());
        n.put("grad_norm", r.gradNorm());
        n.put("logit_scale", r.logitScale());
        n.put("samples_per_s", Math.round(samplesPerSecond * 10) / 10.0);
        if (r.skipped()) n.put("skipped", true);
        if (r.lossScale() != 1.0) n.put("loss_scale", r.lossScale());
        return n;
    }

    public void write(ObjectNode record) {
        try {
            out.write(JSON.writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics: " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        try { out.close(); } catch (IOException e) { throw new UncheckedIOException(e); }
    }
}
