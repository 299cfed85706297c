package dev.jclip.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.data.BatchSource;
import dev.jclip.dist.ProcessGroup;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import dev.jclip.progress.ProgressListener;
import dev.jclip.progress.Notices;
import dev.jclip.progress.ProgressTracker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The outer loop of a run: steps from the trainer's current step to the config's total, progress
 * reports (step, loss, lr, samples/s, ETA) to a {@link ProgressListener}, metrics as JSON lines in
 * {@code OUT/metrics.jsonl}, a checkpoint committed as one unit ({@link RunFolder}) every
 * {@code checkpointEvery} steps and at the end; the command line draws the loss curve from
 * the metrics file afterwards. In a data-parallel job
 * ({@link Trainer#distribute}) only rank 0 writes and reports; all ranks meet at a barrier after
 * each checkpoint, so none runs ahead of a checkpoint it might have to resume from; samples/s
 * count the global batch.
 *
 * <pre>{@code
 * TrainRun.Summary s = new TrainRun(out, 100, 10, configJson, "{\"type\":\"bytes\"}").progress(listener).run(trainer, loader, 0);
 * }</pre>
 */
public final class TrainRun {
    /** How the run ended: steps done in this call, the seconds they took, the last loss. */
    public record Summary(long steps, double seconds, double lastLoss, double samplesPerSecond, boolean stoppedByTime) {}

    private final Path out;
    private final int checkpointEvery;
    private final int logEvery;
    private final String modelConfigJson;
    private final String tokenizerJson;
    private ProgressListener progress = ProgressListener.NONE;
    private boolean annealInTime;
    private final java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>();
    private ObjectNode extra;

    public TrainRun(Path out, int checkpointEvery, int logEvery, String modelConfigJson, String tokenizerJson) {
        if (checkpointEvery < 0 || logEvery < 1) throw new IllegalArgumentException("checkpoint interval must be >= 0 and log interval >= 1");
        this.out = out;
        this.checkpointEvery = checkpointEvery;
        this.logEvery = logEvery;
        this.modelConfigJson = modelConfigJson;
        this.tokenizerJson = tokenizerJson;
    }

    /** Adds a metadata entry to every saved {@code model.safetensors} (e.g. the image transform). */
    public TrainRun metadata(String key, String value) { metadata.put(key, value); return this; }

    /**
     * With a time limit, decays the learning rate by the share of the time used as well as by
     * steps, so a run cut short by the clock still ends annealed (lr 0) instead of mid-schedule.
     * Not bit-reproducible on resume (the lr depends on the clock).
     */
    public TrainRun annealInTime() { annealInTime = true; return this; }

    /** Reports no progress (the default). */
    public TrainRun quiet() { progress = ProgressListener.NONE; return this; }

    /** Reports each step to {@code listener} (a stop by signal is a {@link Notices notice}); rank 0 only in a data-parallel job. */
    public TrainRun progress(ProgressListener listener) {
        progress = listener == null ? ProgressListener.NONE : listener;
        return this;
    }

    /** A JSON object stored under {@code extra} in every checkpoint's {@code train_state.json} (e.g. the run's settings). */
    public TrainRun extra(ObjectNode extra) { this.extra = extra; return this; }

    /**
     * Trains until the config's step count, or until {@code maxSeconds} (0 = no limit) have
     * passed; then writes the final checkpoint.
     */
    public Summary run(Trainer trainer, BatchSource data, double maxSeconds) {
        ProcessGroup pg = trainer.parallel() == null ? null : trainer.parallel().processGroup();
        boolean main = pg == null || pg.isMain();
        if (main) {
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
            }
        }
        int total = trainer.config().steps();
        int globalBatch = trainer.config().batchSize() * trainer.worldSize();
        long start = trainer.step();
        long t0 = System.nanoTime();
        double lastLoss = Double.NaN, rate = 0;
        boolean byTime = false;
        // Single process only: ranks' clocks differ, so a time-driven lr would let their weights drift apart.
        if (annealInTime && maxSeconds > 0 && pg == null) trainer.scheduleProgressFloor(() -> (System.nanoTime() - t0) / 1e9 / maxSeconds);
        ProgressListener report = main ? progress : ProgressListener.NONE;
        if (pg != null) {
            report.note(String.format("data-parallel: %d ranks x batch %d = global batch %d, %s loss, %d gradient buckets", trainer.worldSize(),
                    trainer.config().batchSize(), globalBatch, trainer.parallel().mode().name().toLowerCase(java.util.Locale.ROOT),
                    trainer.parallel().bucketCount()));
        }
        ProgressTracker bar = report.track("train", "steps", total, start);
        // SIGTERM / Ctrl-C: let the current step finish and save, instead of exiting the JVM while
        // libtorch runs native code on this thread (which can crash in libtorch's teardown).
        java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.set(true);
            try { finished.await(120, java.util.concurrent.TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
        }, "jclip-train-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        long lastObserved = 0;
        data.stagingFor(trainer.config().device());
        try (MetricsLog log = main ? new MetricsLog(out.resolve("metrics.jsonl")) : null) {
            while (trainer.step() < total) {
                if (stopRequested.get() && pg == null) { interrupted = true; break; }
                long ts = System.nanoTime();
                long next = trainer.step() + 1;
                // Scalars are read back only on logging steps (and for progress reports about twice a second):
                // every read makes the host wait for the GPU.
                boolean logStep = next % logEvery == 0 || next == total || next == start + 1;
                // In a data-parallel job every rank must decide alike (the LOCAL loss's read is a collective): logging steps only.
                boolean observe = logStep || (pg == null && report != ProgressListener.NONE && System.nanoTime() - lastObserved > 500_000_000L);
                Trainer.StepResult r = trainer.train(data.next(), observe);
                if (observe) lastObserved = System.nanoTime();
                double dt = (System.nanoTime() - ts) / 1e9;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                rate = (trainer.step() - start) * globalBatch / elapsed;
                if (r.observed()) lastLoss = r.loss();
                if (log != null && logStep) {
                    ObjectNode rec = MetricsLog.of(r, globalBatch / dt);
                    rec.put("elapsed_s", Math.round(elapsed * 10) / 10.0);
                    log.write(rec);
                }
                // Progress is reported on observed steps only (their loss is real; the others' was not read back).
                if (r.observed()) bar.to(trainer.step(), String.format(java.util.Locale.ROOT, "loss %.4f lr %.2e %.1f samples/s", r.loss(), r.lr(), rate));
                if (checkpointEvery > 0 && trainer.step() % checkpointEvery == 0 && trainer.step() < total) save(trainer, pg);
                if (maxSeconds > 0 && trainer.step() < total && agreed(pg, elapsed > maxSeconds, trainer.config().device())) { byTime = true; break; }
            }
        } finally {
            bar.close();
        }
        try {
            save(trainer, pg);
            if (interrupted) {
                // A notice, not the listener's note: with progress off the user must still learn how to continue.
                Notices.info("stopped by a signal after step " + trainer.step() + "; checkpoint saved in " + out
                        + " (continue with --resume)");
            }
        } finally {
            finished.countDown();
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException shuttingDown) { /* the hook is running */ }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Summary(trainer.step() - start, secs, lastLoss, rate, byTime);
    }

    /** Rank 0 writes; then everyone waits for it, so a resume on any rank finds the whole set. */
    private void save(Trainer trainer, ProcessGroup pg) {
        if (pg == null || pg.isMain()) new RunFolder(out).commit(trainer, modelConfigJson, tokenizerJson, metadata, extra);
        if (pg != null) pg.barrier();
    }

    /** Rank 0's verdict on every rank: clocks differ, and a rank that stopped alone would hang the others. */
    private static boolean agreed(ProcessGroup pg, boolean mine, dev.jclip.torch.Device device) {
        if (pg == null) return mine;
        try (Scope s = Scope.open()) {
            Tensor flag = Torch.full(new long[]{1}, mine ? 1 : 0, dev.jclip.torch.DType.F32, device); // NCCL needs it on the GPU
            pg.broadcast(flag, 0);
            return flag.item() != 0;
        }
    }
}
