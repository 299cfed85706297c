package dev.jclip.train;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.data.Batch;
import dev.jclip.dist.GlobalBatchLoss;
import dev.jclip.dist.ProcessGroup;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One optimizer step at a time: forward under the chosen precision, the contrastive loss,
 * backward (scaled for fp16), optional accumulation over micro-batches, unscale and overflow
 * check, global-norm clipping, fused AdamW with the cosine schedule.
 *
 * <pre>{@code
 * try (Trainer tr = new Trainer(model, tokenizer, TrainConfig.defaults(500))) {
 *     while (tr.step() < 500) {
 *         Trainer.StepResult r = tr.train(loader.next());
 *     }
 * }
 * }</pre>
 *
 * Every step re-seeds libtorch's RNG with {@code seed + step}, so a resumed run draws the same
 * random numbers (dropout, if any) as an uninterrupted one.
 *
 * <p>In a data-parallel job, {@link #distribute} makes each step's loss the global-batch loss and
 * averages the gradients over the ranks before unscaling and clipping (see {@link DataParallel});
 * {@code batchSize} stays the per-rank batch.
 */
public final class Trainer implements AutoCloseable {
    /**
     * What one step did: the mean loss over micro-batches, the lr used, the pre-clip grad norm.
     * For a step trained with {@code observe = false} the device-side numbers were not read: loss,
     * grad norm, loss scale and logit scale are NaN and {@code skipped} is false ({@link #observed()}).
     */
    public record StepResult(long step, double loss, double lr, double gradNorm, boolean skipped, double lossScale, double logitScale) {
        /** Whether the scalars were read from the device for this step. */
        public boolean observed() { return !Double.isNaN(loss) || !Double.isNaN(logitScale); }
    }

    private final ContrastiveModel model;
    private final Function<List<String>, Tensor> tokenize;
    private final TrainConfig config;
    private final ClipLoss lossFn;
    private final AdamW optimizer;
    private final GradScaler scaler;
    private final CosineSchedule schedule;
    private DataParallel parallel; // null: one process
    private long step;
    private java.util.function.DoubleSupplier minProgress = () -> 0;

    /**
     * A trainer for {@code model}: it switches the model's gradients on
     * ({@link ContrastiveModel#requiresGrad requiresGrad(true)}: a loaded model starts without them)
     * and puts it in training mode at each step. {@code tokenize}: captions to an int64
     * {@code [n, context]} tensor on the CPU.
     */
    public Trainer(ContrastiveModel model, Function<List<String>, Tensor> tokenize, TrainConfig config) {
        this(model, tokenize, config, config.precision().needsLossScaling() ? new GradScaler() : null);
    }

    /** With a given loss scaler (fp16 only; the trainer closes it); gradients as in {@link #Trainer(ContrastiveModel, Function, TrainConfig)}. */
    public Trainer(ContrastiveModel model, Function<List<String>, Tensor> tokenize, TrainConfig config, GradScaler scaler) {
        if ((scaler != null) != config.precision().needsLossScaling()) {
            throw new IllegalArgumentException("a loss scaler goes with fp16 and only with it (precision " + config.precision() + ")");
        }
        this.model = model.requiresGrad(true);
        this.tokenize = tokenize;
        this.config = config;
        this.lossFn = new ClipLoss(config.labelSmoothing());
        this.optimizer = new AdamW(model.namedParameters(), config.adam());
        // The AMP kernels take the scaler's tensors on the gradients' device.
        this.scaler = scaler == null ? null : scaler.to(optimizer.device());
        this.schedule = config.schedule();
    }

    public long step() { return step; }

    /** Sets the step counter (resume). */
    public void setStep(long s) {
        if (s < 0) throw new IllegalArgumentException("step must be >= 0, got " + s);
        this.step = s;
    }

    public TrainConfig config() { return config; }

    /** Lower bound of the schedule's progress, asked each step (e.g. the share of a time budget used); see {@link CosineSchedule#at(long, double)}. */
    public void scheduleProgressFloor(java.util.function.DoubleSupplier floor) { this.minProgress = floor; }
    public AdamW optimizer() { return optimizer; }
    /** The loss scaler, or null unless fp16. */
    public GradScaler scaler() { return scaler; }
    public ContrastiveModel model() { return model; }

    /**
     * Joins a data-parallel job: broadcasts rank 0's parameters and from now on trains on the
     * global batch. Call after {@link TrainCheckpoint#resume} (every rank resumes from the same
     * checkpoint) and before the first step; a group of one changes nothing.
     */
    public Trainer distribute(ProcessGroup pg, GlobalBatchLoss.Mode mode) {
        if (parallel != null) throw new IllegalStateException("this trainer is already distributed");
        if (pg.worldSize() > 1) parallel = new DataParallel(pg, model, lossFn, mode);
        return this;
    }

    /** The data-parallel set-up, or null in a single process. */
    public DataParallel parallel() { return parallel; }

    /** Ranks training together (1 unless {@link #distribute}d). */
    public int worldSize() { return parallel == null ? 1 : parallel.processGroup().worldSize(); }

    /** One optimizer step on {@code batch} (split into {@code accumSteps} micro-batches), every scalar read. */
    public StepResult train(Batch batch) { return train(batch, true); }

    /**
     * One optimizer step. With {@code observe = false} nothing is read back from the device (no
     * {@code .item()}, no host synchronisation), so a GPU runs ahead of the host: train with
     * {@code observe} only on logging steps. Every step computes the same numbers either way.
     */
    public StepResult train(Batch batch, boolean observe) {
        if (batch.count() != config.batchSize()) {
            throw new IllegalArgumentException("batch holds " + batch.count() + " examples, the config says " + config.batchSize());
        }
        try (Scope s = Scope.open()) {
            Tensor images = batch.images(config.device());
            Tensor tokens = toDevice(tokenize.apply(batch.captions()), config.device());
            return train(images, tokens, observe);
        }
    }

    /**
     * One optimizer step on images {@code [B, 3, H, W]} and token ids {@code [B, L]} already on the
     * training device (e.g. copied there asynchronously from pinned memory); see {@link #train(Batch, boolean)}.
     */
    public StepResult train(Tensor images, Tensor tokens, boolean observe) {
        if (images.size(0) != config.batchSize() || tokens.size(0) != config.batchSize()) {
            throw new IllegalArgumentException("images " + images.describe() + " and tokens " + tokens.describe() + " must hold "
                    + config.batchSize() + " examples (the config's batch size)");
        }
        Torch.manualSeed(config.seed() + step);
        model.train(true);
        int micro = config.batchSize() / config.accumSteps();
        double lossSum = 0;
        try (Scope s = Scope.open()) {
            for (int m = 0; m < config.accumSteps(); m++) {
                try (Scope ms = Scope.open()) {
                    Tensor x = config.accumSteps() == 1 ? images : images.narrow(0, (long) m * micro, micro);
                    Tensor t = config.accumSteps() == 1 ? tokens : tokens.narrow(0, (long) m * micro, micro);
                    if (parallel != null) {
                        // the loss scale stays on the device; the loss is read only when observed
                        lossSum += parallel.forwardBackward(model, config.precision(), x, t, scaler == null ? null : scaler.scaleTensor(),
                                1.0 / config.accumSteps(), observe);
                        continue;
                    }
                    Tensor loss;
                    try (Precision.Region r = config.precision().autocast(config.device())) {
                        loss = lossFn.loss(model.encodeImage(x), model.encodeText(t), model.logitScale()).loss();
                    }
                    loss = loss.to(DType.F32);
                    if (observe) lossSum += loss.item();
                    Tensor back = config.accumSteps() == 1 ? loss : loss.div(config.accumSteps());
                    if (scaler != null) back = back.mul(scaler.scaleTensor());
                    back.backward();
                }
            }
            // Averaged before the scaler's check and the clip, so every rank sees the same gradients.
            if (parallel != null) parallel.allReduceGradients();
            return finishStep(observe ? lossSum / config.accumSteps() : Double.NaN, observe);
        }
    }

    /** Unscale, check, clip, update; gradients must already be accumulated on the parameters. */
    StepResult finishStep(double loss) { return finishStep(loss, true); }

    private StepResult finishStep(double loss, boolean observe) {
        double lr = schedule.at(step, minProgress.getAsDouble());
        boolean ok = true;
        double norm = Double.NaN;
        try (Scope s = Scope.open()) {
            Map<String, Tensor> grads = optimizer.grads();
            // The verdict stays on the device: the fused AdamW skips the update there (torch.amp's way).
            Tensor foundInf = scaler == null ? null : scaler.unscaleAsync(grads.values());
            Tensor normT = config.gradClipNorm() > 0 ? GradClip.clipGlobalNormAsync(grads.values(), config.gradClipNorm())
                    : observe ? GradClip.globalNormTensor(grads.values()) : null;
            optimizer.step(lr, foundInf);
            if (scaler != null) scaler.update();
            if (observe) {
                if (foundInf != null) ok = foundInf.item() == 0.0;
                norm = !ok || normT == null ? Double.NaN : normT.item();
            }
        }
        optimizer.zeroGrad();
        step++;
        if (!observe) return new StepResult(step, loss, lr, Double.NaN, false, Double.NaN, Double.NaN);
        double ls;
        try (Scope s = Scope.open()) { ls = model.logitScale().exp().item(); }
        return new StepResult(step, loss, lr, norm, !ok, scaler == null ? 1.0 : scaler.scale(), ls);
    }

    /** Host tensor to the training device; to a GPU through pinned memory, without the host waiting. */
    private static Tensor toDevice(Tensor host, dev.jclip.torch.Device device) {
        if (!device.isCuda()) return host.to(device);
        return host.pinned().toNonBlocking(device);
    }

    @Override public void close() {
        optimizer.close();
        if (scaler != null) scaler.close();
    }
}
