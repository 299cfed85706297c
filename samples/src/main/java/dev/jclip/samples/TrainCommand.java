package dev.jclip.samples;

import dev.jclip.train.TrainJob;
import dev.jclip.train.TrainOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code clip train}: trains a CLIP from scratch, fine-tunes a checkpoint ({@code --init}), or
 * resumes a run, on synthetic shapes, Fashion-MNIST, a folder or CSV of captioned images, or
 * WebDataset shards; then, for shapes and Fashion-MNIST, reports zero-shot top-1. The work is
 * {@link TrainJob}'s; this class maps options and shows progress.
 *
 * <p>Under a launcher ({@code scripts/launch}, {@code torchrun --no-python}, {@code srun}: their
 * variables are detected, or {@code --dist} insists on them) it trains data-parallel: one process
 * per device, Gloo on CPUs, NCCL on GPUs, {@code --batch} examples per rank; rank 0 writes the
 * checkpoints, metrics and plots and evaluates.
 *
 * <pre>
 * $ scripts/clip train --init ViT-B-32.pt --vocab bpe_simple_vocab_16e6.txt.gz --data pairs.csv --lock-image --steps 500 --out run
 * </pre>
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Train a CLIP with the contrastive loss, or fine-tune one (--init). Writes OUT/model.safetensors (self-contained: "
                + "architecture, tokenizer, image transform), OUT/checkpoints/step-N (resumable), OUT/metrics.jsonl, OUT/loss.png.",
                "Progress: a bar on a terminal, plain lines in a log. Last line on stdout: a JSON report."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "synthetic | fashion-mnist | DIR (images with .txt captions) | CSV/TSV file (filepath,title) | SHARDS (a.tar or data-{000..009}.tar)")
    String data;
    @Option(names = "--init", paramLabel = "PATH",
            description = "fine-tune this checkpoint (any file or folder clip embed reads): its architecture, tokenizer, image transform "
                    + "and logit scale; lower default lr, longer warm-up")
    Path init;
    @Option(names = "--model", defaultValue = "auto",
            description = "from scratch: shapes | fashion | an open_clip name (ViT-B-32, ViT-B-32-quickgelu, RN50, ViT-H-14, ...; OpenAI's ViT-B/32 too) "
                    + "| a config JSON (open_clip model_cfg); auto = shapes or fashion by --data")
    String model;
    @Option(names = "--vocab", paramLabel = "FILE",
            description = "BPE vocabulary (bpe_simple_vocab_16e6.txt.gz); default: the --init checkpoint's recorded tokenizer, else bytes-only")
    Path vocab;
    @Option(names = "--lock-image", description = "freeze the image tower (with --init), as open_clip's --lock-image") boolean lockImage;
    @Option(names = "--lock-image-unlocked-groups", defaultValue = "0", paramLabel = "N",
            description = "with --lock-image: leave the last N groups of the image tower trainable (ViT: proj, last block + ln_post, ...)")
    int lockImageUnlockedGroups;
    @Option(names = "--lock-text", description = "freeze the text tower (with --init)") boolean lockText;
    @Option(names = "--lock-text-unlocked-layers", defaultValue = "0", paramLabel = "N",
            description = "with --lock-text: leave the last N groups of the text tower trainable")
    int lockTextUnlockedLayers;
    @Option(names = "--steps", defaultValue = "1000", description = "optimizer steps (0 with --init: re-save the checkpoint as a run)") int steps;
    @Option(names = "--batch", defaultValue = "128", description = "examples per step (per rank)") int batch;
    @Option(names = "--accum", defaultValue = "1", description = "micro-batches per step (gradient accumulation)") int accum;
    @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate (default: 1e-3 from scratch, 1e-5 with --init)") Double lr;
    @Option(names = "--warmup", paramLabel = "STEPS", description = "linear warm-up steps (default: 5%% of --steps from scratch, 10%% with --init)") Integer warmup;
    @Option(names = "--wd", paramLabel = "WD", description = "AdamW weight decay (default: 0.2 from scratch, 0.1 with --init)") Double wd;
    @Option(names = "--grad-clip", defaultValue = "1.0", description = "global gradient-norm clip, 0 = off") double gradClip;
    @Option(names = "--label-smoothing", defaultValue = "0.0", description = "label smoothing of the contrastive loss") double labelSmoothing;
    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 | bf16 | fp16 (autocast; fp16 with loss scaling)") String precision;
    @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation, data order and per-step randomness") long seed;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder; one holding a run needs --resume or --overwrite") Path out;
    @Option(names = "--resume", description = "continue the run in --out from its last checkpoint (same settings and data, checked)") boolean resume;
    @Option(names = "--overwrite", description = "delete the run in --out (its files only) and start over") boolean overwrite;
    @Option(names = "--checkpoint-every", defaultValue = "500", paramLabel = "STEPS", description = "steps between checkpoints, 0 = only at the end")
    int checkpointEvery;
    @Option(names = "--log-every", defaultValue = "10", paramLabel = "STEPS", description = "steps between records in OUT/metrics.jsonl") int logEvery;
    @Option(names = "--max-minutes", defaultValue = "0", description = "stop after this many minutes and save (0 = no limit)") double maxMinutes;
    @Option(names = "--anneal-in-time", description = "with --max-minutes: decay the lr by the share of time used too, so a run the clock cuts short "
            + "still ends at lr 0 (single process only)")
    boolean annealInTime;
    @Option(names = "--no-eval", description = "skip the zero-shot evaluation after training (shapes, Fashion-MNIST)") boolean noEval;
    @Option(names = "--workers", defaultValue = "1", description = "data loading threads") int workers;
    @Option(names = "--fashion-dir", defaultValue = "/usr/share/datasets/fashion-mnist", paramLabel = "DIR", description = "Fashion-MNIST IDX files")
    Path fashionDir;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu | cuda | cuda:N") String device;
    @Option(names = "--progress", defaultValue = "auto", description = "auto (a bar on a terminal, lines in a log) | bar | lines | none") String progress;
    @Option(names = "--progress-every", defaultValue = "10s", paramLabel = "EVERY",
            description = "log lines: at most one every N seconds (10s) or N steps/images (50); 0 = every update")
    String progressEvery;
    @Option(names = "--no-progress", description = "same as --progress none") boolean noProgress;
    @Option(names = "--dist", description = "require a distributed launch (scripts/launch, torchrun, srun variables); detected without it too")
    boolean dist;
    @Option(names = "--local-loss", description = "data-parallel: each rank scores only its own rows against the global batch (cheaper, same gradients)")
    boolean localLoss;
    @Option(names = "--dist-timeout", defaultValue = "120", paramLabel = "SECONDS", description = "data-parallel: seconds to wait for peers and each collective")
    long distTimeout;

    @Override public Integer call() throws Exception {
        TrainJob.Result r = new TrainJob(options()).run();
        RunPictures.draw(r, out);
        if (r.main()) System.out.println(r.report().toString()); // rank 0 alone reports
        return 0;
    }

    TrainOptions options() {
        return new TrainOptions().data(data).init(init).model(model).vocab(vocab)
                .lockImage(lockImage).lockImageUnlockedGroups(lockImageUnlockedGroups).lockText(lockText).lockTextUnlockedLayers(lockTextUnlockedLayers)
                .steps(steps).batch(batch).accum(accum).lr(lr == null ? Double.NaN : lr).warmup(warmup == null ? -1 : warmup)
                .weightDecay(wd == null ? Double.NaN : wd).gradClip(gradClip).labelSmoothing(labelSmoothing).precision(precision).seed(seed)
                .out(out).resume(resume).overwrite(overwrite).checkpointEvery(checkpointEvery).logEvery(logEvery).maxMinutes(maxMinutes)
                .annealInTime(annealInTime).evaluate(!noEval).workers(workers).fashionDir(fashionDir).device(device)
                .requireDist(dist).localLoss(localLoss).distTimeoutSeconds(distTimeout)
                .progress(ConsoleProgress.create(noProgress ? "none" : progress, progressEvery));
    }
}
