package dev.jclip.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.data.BatchSource;
import dev.jclip.data.FashionMnist;
import dev.jclip.dist.DeviceAssignment;
import dev.jclip.dist.DistEnv;
import dev.jclip.dist.GlobalBatchLoss;
import dev.jclip.dist.ProcessGroup;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageTransform;
import dev.jclip.model.CheckpointTokenizer;
import dev.jclip.torch.Device;

import java.time.Duration;
import java.util.Locale;

/**
 * A whole training or fine-tuning run as {@code clip train} performs it: the output folder's
 * rules (a previous run is refused unless resumed with the same settings or overwritten), the model
 * (from scratch, or {@linkplain TrainOptions#init from a checkpoint} with its own architecture,
 * tokenizer, image transform and logit scale, towers optionally frozen), the data set fed through
 * the model's transform, the training loop ({@link TrainRun}) and, for the synthetic shapes and
 * Fashion-MNIST, zero-shot evaluation. Under a launcher's variables it trains data-parallel (one
 * process per device; rank 0 writes and evaluates).
 *
 * <pre>{@code
 * TrainJob.Result r = new TrainJob(new TrainOptions().data("synthetic").steps(200).out(Path.of("run"))).run();
 * System.out.println(r.report());
 * }</pre>
 */
public final class TrainJob {
    /**
     * The run's outcome: the JSON report, the summary, whether this process is rank 0, and (after
     * the zero-shot check, else null) the similarity matrix the command line draws as {@code similarity.png}.
     */
    public record Result(ObjectNode report, TrainRun.Summary summary, boolean main, Recipes.SimilarityMap similarity) {}

    private final TrainOptions o;

    public TrainJob(TrainOptions options) { this.o = options; }

    /** Runs the job; rank 0 of a data-parallel job returns the full report, the others a short one. */
    public Result run() throws Exception {
        o.validate();
        boolean launched = DistEnv.isLaunched(System.getenv());
        if (o.requireDist && !launched) {
            throw new IllegalArgumentException("--dist needs a launcher's variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, or Slurm's "
                    + "SLURM_PROCID, SLURM_NTASKS): start it with scripts/launch, torchrun --no-python or srun");
        }
        DistEnv env = launched ? DistEnv.fromEnvironment() : DistEnv.single();
        // One process per device: a bare "cuda" becomes cuda:(LOCAL_RANK % visible devices), made the current device.
        Device dev = DeviceAssignment.apply(o.device, env);
        checkFolder(env.isMain());
        if (!env.isDistributed()) return run(dev, null);
        o.progress.note("jclip: data-parallel " + env + " on " + dev);
        ProcessGroup pg = ProcessGroup.init(env, dev, Duration.ofSeconds(o.distTimeoutSeconds));
        try {
            return run(dev, pg);
        } catch (Throwable t) {
            pg.abort(); // no closing barrier: the others may be stuck in a collective; exit so the launcher stops them
            throw t;
        } finally {
            pg.close();
        }
    }

    /**
     * Before anything is written or any peer is met: a new run needs a folder without a run in it
     * (or {@code --overwrite}, which rank 0 carries out); a resumed one, a checkpoint.
     */
    private void checkFolder(boolean main) {
        RunFolder folder = new RunFolder(o.out);
        if (o.init != null && o.overwrite && java.nio.file.Files.exists(o.init) && java.nio.file.Files.exists(o.out)) {
            try {
                if (o.init.toRealPath().startsWith(o.out.toRealPath())) {
                    throw new IllegalArgumentException("--init " + o.init + " is inside --out " + o.out + ", which --overwrite would delete: "
                            + "copy it elsewhere or choose another --out");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot resolve " + o.init + ": " + e.getMessage(), e);
            }
        }
        if (o.resume) {
            if (folder.latest() == null) {
                throw new IllegalArgumentException("--resume: " + o.out + " holds no checkpoint to continue (start the run without --resume)");
            }
        } else if (main || !o.overwrite) {
            folder.startNew(o.overwrite && main);
        }
    }

    private Result run(Device dev, ProcessGroup pg) throws Exception {
        boolean main = pg == null || pg.isMain();
        boolean synthetic = o.data.equals("synthetic"), fashion = o.data.equals("fashion-mnist");
        TrainStart start = o.init != null ? TrainStart.fromCheckpoint(o.init, o.vocab, dev)
                : TrainStart.fromScratch(o.model, synthetic, fashion, o.vocab, o.seed, dev);
        try (var model = start.model()) {
            int res = start.model().architecture().imageResolution();
            // Fashion-MNIST trained from scratch keeps its 28 px images whole (padded); every other run feeds the model's own transform.
            ImageTransform transform = o.init == null && fashion ? FashionMnist.TRANSFORM : start.transform();
            ClipPreprocess preprocess = transform.preprocess(res);
            TowerLock lock = new TowerLock(o.lockImage, o.lockImageUnlockedGroups, o.lockText, o.lockTextUnlockedLayers);
            TrainConfig cfg = TrainConfig.defaults(o.steps).withBatch(o.batch).withAccum(o.accum).withLr(o.effectiveLr())
                    .withWarmup(o.effectiveWarmup()).withAdam(AdamW.Options.clip().withWeightDecay(o.effectiveWeightDecay()))
                    .withGradClip(o.gradClip).withLabelSmoothing(o.labelSmoothing).withPrecision(Precision.parse(o.precision))
                    .withSeed(o.seed).withDevice(dev);
            var tokenize = Recipes.tokenizeWith(start.tokenizer(), start.model().architecture().contextLength());
            RunFolder folder = new RunFolder(o.out);
            int world = pg == null ? 1 : pg.worldSize();
            long t0 = System.nanoTime();
            if (main && !synthetic) o.progress.note("reading the training data " + o.data + " ...");
            TrainData data = TrainData.open(o, preprocess, synthetic, fashion);
            if (main && !synthetic) o.progress.note(String.format(Locale.ROOT, "data ready in %.1f s: %s", (System.nanoTime() - t0) / 1e9, data.fingerprint()));
            RunSettings settings = new RunSettings().put("--data", o.data).put("data contents", data.fingerprint())
                    .put("--init", o.init == null ? null : o.init.toAbsolutePath().normalize()).put("--model", start.description())
                    .put("tokenizer", start.tokenizerJson()).put("image transform", res + " px " + transform.toJson())
                    .put("--steps", o.steps).put("--batch", o.batch).put("--accum", o.accum).put("--lr", cfg.lr())
                    .put("--warmup", cfg.warmup()).put("--wd", cfg.adam().weightDecay()).put("--grad-clip", o.gradClip)
                    .put("--label-smoothing", o.labelSmoothing).put("--seed", o.seed).put("--precision", o.precision)
                    .put("frozen", lock.describe()).put("ranks", world).put("--local-loss", o.localLoss).put("--anneal-in-time", o.annealInTime);
            if (o.resume && !settings.requireSame(folder.latestState(), o.out) && main) {
                o.progress.note("note: " + folder.latest() + " records no settings (an older jclip): they cannot be checked");
            }
            LockedTowers cm = new LockedTowers(model, lock);
            long total = model.store().parameterCount(), trainable = 0;
            for (var t : cm.namedParameters().values()) trainable += t.numel();
            if (main) {
                o.progress.note(String.format(Locale.ROOT, "%s: %s, %.2f M parameters, %.2f M trainable%s; lr %.2g, warm-up %d, weight decay %.2g; data: %s",
                        o.init != null ? "fine-tuning " + o.init : "training from scratch", start.description(), total / 1e6, trainable / 1e6,
                        lock.any() ? " (frozen: " + lock.describe() + ")" : "", cfg.lr(), cfg.warmup(), cfg.adam().weightDecay(), synthetic ? "synthetic shapes" : o.data));
            }
            try (Trainer tr = new Trainer(cm, tokenize, cfg)) {
                if (o.resume) {
                    long at = folder.resume(tr, main);
                    if (main) o.progress.note("resumed at step " + at + " from " + folder.latest());
                }
                if (pg != null) tr.distribute(pg, o.localLoss ? GlobalBatchLoss.Mode.LOCAL : GlobalBatchLoss.Mode.GLOBAL);
                TrainRun.Summary sum;
                try (BatchSource src = data.loader(o, tr.step(), pg == null ? 0 : pg.rank(), world)) {
                    TrainRun run = new TrainRun(o.out, o.checkpointEvery, o.logEvery, model.architecture().toJson(), start.tokenizerJson())
                            .progress(o.progress).extra(Recipes.json().set(RunSettings.KEY, settings.toJson()));
                    if (o.annealInTime) run.annealInTime();
                    // Self-contained: a BPE tokenizer's vocabulary and merges travel in the checkpoint.
                    start.tokenizerMetadata().forEach((k, v) -> { if (!k.equals(CheckpointTokenizer.KEY)) run.metadata(k, v); });
                    // What evaluation must feed the model: recorded so that clip eval / zero-shot agree with training.
                    run.metadata(ImageTransform.METADATA_KEY, transform.toJson());
                    if (o.init != null) run.metadata("fine_tuned_from", o.init.toAbsolutePath().normalize().toString());
                    sum = run.run(tr, src, o.maxMinutes * 60);
                }
                return report(tr, sum, cm, tokenize, synthetic, fashion, preprocess, res, dev, pg);
            }
        }
    }

    private Result report(Trainer tr, TrainRun.Summary sum, LockedTowers cm, java.util.function.Function<java.util.List<String>, dev.jclip.torch.Tensor> tokenize,
                          boolean synthetic, boolean fashion, ClipPreprocess preprocess, int res, Device dev, ProcessGroup pg) {
        boolean main = pg == null || pg.isMain();
        ObjectNode rep = Recipes.json();
        rep.put("steps", tr.step());
        rep.put("train_seconds", Math.round(sum.seconds() * 10) / 10.0);
        rep.put("samples_per_s", Math.round(sum.samplesPerSecond() * 10) / 10.0);
        rep.put("last_loss", sum.lastLoss());
        if (pg != null) {
            rep.put("world_size", pg.worldSize()).put("global_batch", o.batch * pg.worldSize());
            // Training is over: leave the job now, so that the others do not wait at the
            // closing barrier (and time out) while rank 0 evaluates.
            pg.close();
            if (!main) return new Result(rep, sum, false, null);
        }
        Recipes.SimilarityMap similarity = null;
        if (o.evaluate && synthetic) {
            Recipes.ShapesScore s = Recipes.evaluateShapes(cm, tokenize, res, 800, 2000, dev, o.progress);
            rep.put("heldout_top1", s.heldoutTop1()).put("seen_top1", s.seenTop1()).put("chance", s.chance());
            similarity = s.similarity();
        } else if (o.evaluate && fashion) {
            ZeroShotEval.Result z = Recipes.evaluateFashion(cm, tokenize, o.fashionDir, preprocess, dev, o.progress);
            rep.put("zero_shot_top1", z.top1()).put("test_images", z.total()).put("chance", 0.1);
            similarity = Recipes.fashionSimilarity(z);
        }
        rep.put("out", o.out.toAbsolutePath().toString());
        return new Result(rep, sum, true, similarity);
    }
}
