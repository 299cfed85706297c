package dev.jclip.train;

import dev.jclip.progress.ProgressListener;

import java.nio.file.Path;

/**
 * Everything a {@link TrainJob} needs, with the command line's defaults; setters chain. Learning
 * rate, warm-up and weight decay left unset get defaults that depend on the start: training from
 * scratch uses lr 1e-3, 5 % warm-up, weight decay 0.2 (CLIP's); fine-tuning ({@link #init})
 * uses lr 1e-5, 10 % warm-up, weight decay 0.1 (open_clip's fine-tuning recipes: a high rate
 * would wipe out what the released weights know).
 *
 * <pre>{@code
 * TrainOptions o = new TrainOptions().data("pairs.csv").init(Path.of("ViT-B-32.pt")).vocab(Path.of("bpe_simple_vocab_16e6.txt.gz"))
 *         .lockImage(true).steps(200).batch(32).out(Path.of("run"));
 * TrainJob.Result r = new TrainJob(o).run();
 * }</pre>
 */
public final class TrainOptions {
    String data;
    String model = "auto";
    Path init;
    Path vocab;
    Path fashionDir = Path.of("/usr/share/datasets/fashion-mnist");
    boolean lockImage;
    int lockImageUnlockedGroups;
    boolean lockText;
    int lockTextUnlockedLayers;
    String precision = "fp32";
    int batch = 128;
    int accum = 1;
    int steps = 1000;
    double lr = Double.NaN;
    int warmup = -1;
    double wd = Double.NaN;
    double gradClip = 1.0;
    double labelSmoothing;
    long seed;
    int workers = 1;
    Path out;
    boolean resume;
    boolean overwrite;
    int checkpointEvery = 500;
    int logEvery = 10;
    double maxMinutes;
    boolean annealInTime;
    String device = "cpu";
    boolean requireDist;
    boolean localLoss;
    long distTimeoutSeconds = 120;
    boolean evaluate = true;
    ProgressListener progress = ProgressListener.NONE;

    /** {@code synthetic}, {@code fashion-mnist}, a captioned folder, a CSV/TSV file, or WebDataset shards. */
    public TrainOptions data(String v) { data = v; return this; }
    /** {@code auto}, {@code shapes}, {@code fashion}, a released name or a config JSON (from scratch only). */
    public TrainOptions model(String v) { model = v; return this; }
    /** Start from this checkpoint (any file or folder the loader reads): fine-tuning. */
    public TrainOptions init(Path v) { init = v; return this; }
    public TrainOptions vocab(Path v) { vocab = v; return this; }
    public TrainOptions fashionDir(Path v) { fashionDir = v; return this; }
    public TrainOptions lockImage(boolean v) { lockImage = v; return this; }
    public TrainOptions lockImageUnlockedGroups(int v) { lockImageUnlockedGroups = v; return this; }
    public TrainOptions lockText(boolean v) { lockText = v; return this; }
    public TrainOptions lockTextUnlockedLayers(int v) { lockTextUnlockedLayers = v; return this; }
    public TrainOptions precision(String v) { precision = v; return this; }
    public TrainOptions batch(int v) { batch = v; return this; }
    public TrainOptions accum(int v) { accum = v; return this; }
    public TrainOptions steps(int v) { steps = v; return this; }
    /** Peak learning rate; NaN = the default for the start (see the class comment). */
    public TrainOptions lr(double v) { lr = v; return this; }
    /** Warm-up steps; negative = the default for the start. */
    public TrainOptions warmup(int v) { warmup = v; return this; }
    /** Weight decay; NaN = the default for the start. */
    public TrainOptions weightDecay(double v) { wd = v; return this; }
    public TrainOptions gradClip(double v) { gradClip = v; return this; }
    public TrainOptions labelSmoothing(double v) { labelSmoothing = v; return this; }
    public TrainOptions seed(long v) { seed = v; return this; }
    public TrainOptions workers(int v) { workers = v; return this; }
    public TrainOptions out(Path v) { out = v; return this; }
    /** Continue the run in {@link #out} from its last checkpoint (settings must match). */
    public TrainOptions resume(boolean v) { resume = v; return this; }
    /** Delete a previous run's files in {@link #out} and start over. */
    public TrainOptions overwrite(boolean v) { overwrite = v; return this; }
    /** Steps between checkpoints (0 = only at the end). */
    public TrainOptions checkpointEvery(int v) { checkpointEvery = v; return this; }
    /** Steps between metrics records. */
    public TrainOptions logEvery(int v) { logEvery = v; return this; }
    /** Stop after this many minutes (0 = no limit); the checkpoint is saved. */
    public TrainOptions maxMinutes(double v) { maxMinutes = v; return this; }
    public TrainOptions annealInTime(boolean v) { annealInTime = v; return this; }
    public TrainOptions device(String v) { device = v; return this; }
    /** Insist on a launcher's variables (a data-parallel job). */
    public TrainOptions requireDist(boolean v) { requireDist = v; return this; }
    public TrainOptions localLoss(boolean v) { localLoss = v; return this; }
    public TrainOptions distTimeoutSeconds(long v) { distTimeoutSeconds = v; return this; }
    /** Zero-shot evaluation after training (shapes, Fashion-MNIST). */
    public TrainOptions evaluate(boolean v) { evaluate = v; return this; }
    /** Where progress goes (training steps, evaluation); nothing by default. */
    public TrainOptions progress(ProgressListener v) { progress = v == null ? ProgressListener.NONE : v; return this; }

    /** Whether this run starts from a checkpoint (fine-tuning defaults). */
    public boolean fineTuning() { return init != null; }

    /** The learning rate in effect. */
    public double effectiveLr() { return !Double.isNaN(lr) ? lr : fineTuning() ? 1e-5 : 1e-3; }

    /** The warm-up in effect. */
    public int effectiveWarmup() { return warmup >= 0 ? warmup : Math.max(1, steps / (fineTuning() ? 10 : 20)); }

    /** The weight decay in effect. */
    public double effectiveWeightDecay() { return !Double.isNaN(wd) ? wd : fineTuning() ? 0.1 : 0.2; }

    /** Checks the combination of options; each message names the option. */
    void validate() {
        if (data == null || data.isBlank()) throw new IllegalArgumentException("--data is required");
        if (out == null) throw new IllegalArgumentException("--out is required");
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite exclude each other: continue the run, or start it over");
        if (init != null && !model.equals("auto")) {
            throw new IllegalArgumentException("--model " + model + " and --init exclude each other: a fine-tuned model keeps the architecture of its --init checkpoint");
        }
        if (init == null && (lockImage || lockText)) throw new IllegalArgumentException("--lock-image and --lock-text need --init (frozen random weights learn nothing)");
        if (steps < 0) throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
        if (steps == 0 && init == null) throw new IllegalArgumentException("--steps 0 only makes sense with --init (it re-saves the checkpoint)");
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (accum < 1 || batch % accum != 0) throw new IllegalArgumentException("--accum " + accum + " must divide --batch " + batch);
        if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
        if (logEvery < 1) throw new IllegalArgumentException("--log-every must be >= 1, got " + logEvery);
        if (workers < 1) throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        if (!(effectiveLr() >= 0)) throw new IllegalArgumentException("--lr must be >= 0, got " + lr);
        if (!(effectiveWeightDecay() >= 0)) throw new IllegalArgumentException("--wd must be >= 0, got " + wd);
        if (!(maxMinutes >= 0)) throw new IllegalArgumentException("--max-minutes must be >= 0, got " + maxMinutes);
        new TowerLock(lockImage, lockImageUnlockedGroups, lockText, lockTextUnlockedLayers);
    }
}
