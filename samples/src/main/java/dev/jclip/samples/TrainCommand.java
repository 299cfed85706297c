package dev.jclip.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.data.BatchSource;
import dev.jclip.data.CaptionedFiles;
import dev.jclip.data.DataLoader;
import dev.jclip.data.FashionMnist;
import dev.jclip.data.ImageTextDataset;
import dev.jclip.data.ShapesDataset;
import dev.jclip.data.WebDataset;
import dev.jclip.dist.DistEnv;
import dev.jclip.dist.GlobalBatchLoss;
import dev.jclip.dist.ProcessGroup;
import dev.jclip.image.ImageTransform;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ModelNames;
import dev.jclip.model.ClipModel;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.train.AdamW;
import dev.jclip.train.Precision;
import dev.jclip.train.Recipes;
import dev.jclip.train.TrainCheckpoint;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.TrainRun;
import dev.jclip.train.Trainer;
import dev.jclip.train.ZeroShotEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code clip train}: trains a CLIP from scratch (or resumes) on synthetic shapes, Fashion-MNIST,
 * a folder or CSV of captioned images, or WebDataset shards; then, for shapes and Fashion-MNIST,
 * reports zero-shot top-1.
 *
 * <p>Under a launcher ({@code scripts/launch}, {@code torchrun --no-python}, {@code srun}: their
 * variables are detected, or {@code --dist} insists on them) it trains data-parallel: one process
 * per device ({@code cuda:LOCAL_RANK}), Gloo on CPUs, NCCL on GPUs, {@code --batch} examples per
 * rank, the contrastive loss over the global batch (or {@code --local-loss}); rank 0 writes the
 * checkpoints, metrics and plots and evaluates, every rank resumes from them. A failed peer ends
 * every rank with a message naming it and a non-zero exit, which makes the launcher stop the rest.
 *
 * <pre>
 * $ scripts/launch --nproc 2 -- scripts/clip train --data synthetic --batch 32 --steps 30 --out run
 * </pre>
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a CLIP with the contrastive loss; progress bar, OUT/metrics.jsonl, OUT/loss.png, checkpoints in OUT.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "synthetic | fashion-mnist | DIR (images + .txt) | CSV/TSV file | SHARDS (a.tar or data-{000..009}.tar)")
    String data;
    @Option(names = "--model", defaultValue = "auto", description = "shapes | fashion | an open_clip name (ViT-B-32, ViT-B-32-quickgelu, RN50, ViT-H-14, ...; OpenAI's ViT-B/32 too) | a config JSON file (open_clip model_cfg); auto: shapes or fashion by --data (default ${DEFAULT-VALUE})")
    String model;
    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 | bf16 | fp16 (default ${DEFAULT-VALUE})") String precision;
    @Option(names = "--batch", defaultValue = "128") int batch;
    @Option(names = "--accum", defaultValue = "1", description = "micro-batches per step (gradient accumulation)") int accum;
    @Option(names = "--steps", defaultValue = "1000") int steps;
    @Option(names = "--lr", defaultValue = "1e-3") double lr;
    @Option(names = "--warmup", defaultValue = "-1", description = "warm-up steps (default: 5 % of --steps)") int warmup;
    @Option(names = "--wd", defaultValue = "0.2", description = "weight decay (default ${DEFAULT-VALUE})") double wd;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "global-norm clip, 0 = off") double gradClip;
    @Option(names = "--label-smoothing", defaultValue = "0.0") double labelSmoothing;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--workers", defaultValue = "1", description = "data threads") int workers;
    @Option(names = "--vocab", description = "BPE vocabulary (bpe_simple_vocab_16e6.txt.gz); default: the bytes-only tokenizer") Path vocab;
    @Option(names = "--fashion-dir", defaultValue = "/usr/share/datasets/fashion-mnist") Path fashionDir;
    @Option(names = "--out", required = true, description = "output folder (checkpoint, metrics, plots)") Path out;
    @Option(names = "--resume", description = "continue from the checkpoint in --out") boolean resume;
    @Option(names = "--checkpoint-every", defaultValue = "500") int checkpointEvery;
    @Option(names = "--log-every", defaultValue = "10") int logEvery;
    @Option(names = "--max-minutes", defaultValue = "0", description = "stop early after this many minutes (0 = no limit)") double maxMinutes;
    @Option(names = "--anneal-in-time", description = "with --max-minutes: decay the lr by the share of time used too, so a run the clock cuts short still ends at lr 0 (single process only)")
    boolean annealInTime;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--no-progress", description = "no progress bar") boolean noProgress;
    @Option(names = "--dist", description = "require a distributed launch (scripts/launch, torchrun, srun variables); detected without it too")
    boolean dist;
    @Option(names = "--local-loss", description = "data-parallel: each rank scores only its own rows against the global batch (cheaper, same gradients)")
    boolean localLoss;
    @Option(names = "--dist-timeout", defaultValue = "120", description = "data-parallel: seconds to wait for peers and for each collective (default ${DEFAULT-VALUE})")
    long distTimeout;

    /** Rank of this process (0 outside a distributed launch); only rank 0 prints the report. */
    private int rank;

    @Override public Integer call() throws Exception {
        Result r = run();
        if (rank == 0) System.out.println(r.report().toString());
        return 0;
    }

    /** The run's outcome: the JSON report and the summary. */
    record Result(ObjectNode report, TrainRun.Summary summary) {}

    Result run() throws Exception {
        boolean launched = DistEnv.isLaunched(System.getenv());
        if (dist && !launched) {
            throw new IllegalArgumentException("--dist needs a launcher's variables (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, or Slurm's "
                    + "SLURM_PROCID, SLURM_NTASKS): start it with scripts/launch, torchrun --no-python or srun");
        }
        DistEnv env = launched ? DistEnv.fromEnvironment() : DistEnv.single();
        rank = env.rank();
        Device dev = deviceFor(env);
        if (!env.isDistributed()) return run(dev, null);
        System.err.println("jclip: data-parallel " + env + " on " + dev);
        ProcessGroup pg = ProcessGroup.init(env, dev, Duration.ofSeconds(distTimeout));
        try {
            return run(dev, pg);
        } catch (Throwable t) {
            pg.abort(); // no closing barrier: the others may be stuck in a collective; exit so the launcher stops them
            throw t;
        } finally {
            pg.close();
        }
    }

    /** One process per device: a bare {@code --device cuda} becomes {@code cuda:(LOCAL_RANK % visible)}, made current. */
    private Device deviceFor(DistEnv env) {
        Device d = Device.parse(device);
        if (d.isCuda() && !device.contains(":")) d.requireAvailable();   // "not available in this build" before any mapping
        return dev.jclip.dist.DeviceAssignment.apply(device, env);
    }

    private Result run(Device dev, ProcessGroup pg) throws Exception {
        boolean main = pg == null || pg.isMain();
        boolean synthetic = data.equals("synthetic"), fashion = data.equals("fashion-mnist");
        ClipArchitecture arch = architecture(synthetic, fashion);
        ClipTokenizer tok = vocab != null ? ClipTokenizer.load(vocab) : ClipTokenizer.bytesOnly();
        if (tok.vocabulary().size() > arch.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tok.vocabulary().size() + " tokens but the model only " + arch.vocabSize());
        }
        String tokJson = vocab != null ? Recipes.json().put("type", "bpe").put("vocab", vocab.toAbsolutePath().toString()).toString()
                : Recipes.bytesTokenizerJson();
        var tokenize = Recipes.tokenizeWith(tok, arch.contextLength());
        TrainConfig cfg = TrainConfig.defaults(steps).withBatch(batch).withAccum(accum).withLr(lr)
                .withWarmup(warmup >= 0 ? warmup : Math.max(1, steps / 20)).withAdam(AdamW.Options.clip().withWeightDecay(wd))
                .withGradClip(gradClip).withLabelSmoothing(labelSmoothing).withPrecision(Precision.parse(precision))
                .withSeed(seed).withDevice(dev);
        if (main) Files.createDirectories(out);
        try (ClipModel m = ClipModel.initialized(arch, seed, DType.F32, dev)) {
            try (Trainer tr = new Trainer(m, tokenize, cfg)) {
                if (resume) {
                    long at = TrainCheckpoint.resume(out, tr);
                    if (main) System.err.println("resumed at step " + at + " from " + out);
                }
                if (pg != null) tr.distribute(pg, localLoss ? GlobalBatchLoss.Mode.LOCAL : GlobalBatchLoss.Mode.GLOBAL);
                TrainRun.Summary sum;
                try (BatchSource src = source(arch.imageResolution(), tr.step(), synthetic, fashion, pg)) {
                    TrainRun run = new TrainRun(out, checkpointEvery, logEvery, arch.toJson(), tokJson);
                    if (noProgress) run.quiet();
                    if (annealInTime) run.annealInTime();
                    // What evaluation must feed the model: recorded so that clip eval / zero-shot agree with training.
                    run.metadata(ImageTransform.METADATA_KEY, (fashion ? FashionMnist.TRANSFORM : ImageTransform.clip()).toJson());
                    sum = run.run(tr, src, maxMinutes * 60);
                }
                // The loss curve from the whole metrics file (a resumed run plots its full history). After a
                // signal the JVM is shutting down and AWT may refuse to start: the checkpoint is what matters.
                if (main) {
                    try { LossCurve.plot(out); } catch (RuntimeException | Error e) { System.err.println("jclip: loss plot skipped: " + e); }
                }
                ObjectNode rep = Recipes.json();
                rep.put("steps", tr.step());
                rep.put("train_seconds", Math.round(sum.seconds() * 10) / 10.0);
                rep.put("samples_per_s", Math.round(sum.samplesPerSecond() * 10) / 10.0);
                rep.put("last_loss", sum.lastLoss());
                if (pg != null) {
                    rep.put("world_size", pg.worldSize()).put("global_batch", batch * pg.worldSize());
                    // Training is over: leave the job now, so that the others do not wait at the
                    // closing barrier (and time out) while rank 0 evaluates.
                    pg.close();
                    if (!main) return new Result(rep, sum);
                }
                if (synthetic) {
                    Recipes.ShapesScore s = Recipes.evaluateShapes(m, tokenize, arch.imageResolution(), 800, 2000, dev);
                    Heatmaps.similarity(s.similarity(), s.rows(), s.classes(), "images (rows, * = held out) vs class prompts: mean cosine",
                            out.resolve("similarity.png"));
                    rep.put("heldout_top1", s.heldoutTop1()).put("seen_top1", s.seenTop1()).put("chance", s.chance());
                } else if (fashion) {
                    ZeroShotEval.Result z = Recipes.evaluateFashion(m, tokenize, fashionDir, arch.imageResolution(), dev);
                    Heatmaps.similarity(z.meanSimilarity(), FashionMnist.CLASSES, FashionMnist.CLASSES,
                            "test images (rows) vs class prompts: mean cosine", out.resolve("similarity.png"));
                    rep.put("zero_shot_top1", z.top1()).put("test_images", z.total()).put("chance", 0.1);
                }
                rep.put("out", out.toAbsolutePath().toString());
                return new Result(rep, sum);
            }
        }
    }

    private ClipArchitecture architecture(boolean synthetic, boolean fashion) {
        String m = model.equals("auto") ? (fashion ? "fashion" : "shapes") : model;
        if (m.equals("shapes")) return Recipes.shapesArchitecture();
        if (m.equals("fashion")) return Recipes.fashionArchitecture();
        if (ModelNames.isKnown(m)) return ClipArchitecture.named(m);
        Path p = Path.of(m);
        if (Files.isRegularFile(p)) return ClipArchitecture.fromJson(p);
        throw new IllegalArgumentException("unknown --model '" + m + "': use shapes, fashion, an open_clip name (" + String.join(", ", ModelNames.NAMES)
                + ", each also -quickgelu), OpenAI's " + ModelNames.OPENAI.keySet() + " or a JSON file");
    }

    /** The training batches; in a data-parallel job this rank's shard ({@code perm[rank::world]}, shards by rank). */
    private BatchSource source(int size, long firstBatch, boolean synthetic, boolean fashion, ProcessGroup pg) {
        int r = pg == null ? 0 : pg.rank(), world = pg == null ? 1 : pg.worldSize();
        DataLoader.Options opts = new DataLoader.Options(batch, seed, r, world, Math.max(1, workers), 4, firstBatch);
        if (synthetic) return new DataLoader(new ShapesDataset(size, ShapesDataset.Split.TRAIN, 1_000_000, seed), opts);
        if (fashion) {
            if (!FashionMnist.available(fashionDir)) {
                throw new IllegalArgumentException("Fashion-MNIST not found in " + fashionDir + " (apt-get install dataset-fashion-mnist)");
            }
            return new DataLoader(FashionMnist.load(fashionDir, FashionMnist.Split.TRAIN).captioned(FashionMnist.TRANSFORM.preprocess(size), seed), opts);
        }
        if (data.endsWith(".tar") || data.contains("{")) {
            if (resume && r == 0) System.err.println("note: WebDataset streams are not resumed at the exact sample (order depends on threads)");
            return new WebDataset(WebDataset.expand(data), size, batch, seed, r, world, Math.max(1, workers), 1000);
        }
        ImageTextDataset ds = CaptionedFiles.open(Path.of(data), size);
        return new DataLoader(ds, opts);
    }
}
