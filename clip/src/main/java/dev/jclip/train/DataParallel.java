package dev.jclip.train;

import dev.jclip.model.ContrastiveModel;
import dev.jclip.dist.GlobalBatchLoss;
import dev.jclip.dist.GradientBuckets;
import dev.jclip.dist.ProcessGroup;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

/**
 * What a {@link Trainer} does differently in a data-parallel job: parameters broadcast from rank 0
 * once, the contrastive loss over the global batch ({@link GlobalBatchLoss}: all-gather with the
 * gradient flowing back to this rank's rows, or open_clip's cheaper local loss), and the gradients
 * averaged over ranks ({@link GradientBuckets}) before the trainer unscales, clips and steps.
 *
 * <pre>{@code
 * try (ProcessGroup pg = ProcessGroup.init(DistEnv.fromEnvironment(), device, Duration.ofSeconds(60));
 *      Trainer tr = new Trainer(model, tokenize, cfg)) {
 *     tr.distribute(pg, GlobalBatchLoss.Mode.GLOBAL);   // after a resume, before the first step
 *     tr.train(loader.next());                          // this rank's share; the loss is the global one
 * }
 * }</pre>
 *
 * Because the all-reduce runs before the loss scaler's inf/NaN check, every rank checks the same
 * (summed) gradients: an overflow on one rank is an inf everywhere, so all ranks skip the step and
 * halve the scale together, and clipping sees the same global norm on every rank.
 */
public final class DataParallel {
    private final ProcessGroup pg;
    private final GlobalBatchLoss lossFn;
    private final GradientBuckets buckets;

    /** Broadcasts {@code model}'s parameters from rank 0 and prepares the gradient buckets. */
    DataParallel(ProcessGroup pg, ContrastiveModel model, ClipLoss loss, GlobalBatchLoss.Mode mode) {
        this.pg = pg;
        this.lossFn = new GlobalBatchLoss(pg, mode, (li, lt, ai, at, r, s) -> loss.lossGathered(li, lt, ai, at, r, s).loss());
        GradientBuckets.broadcastParameters(pg, model.namedParameters());
        this.buckets = new GradientBuckets(pg, model.namedParameters(), GradientBuckets.DEFAULT_BUCKET_BYTES);
    }

    public ProcessGroup processGroup() { return pg; }

    public GlobalBatchLoss.Mode mode() { return lossFn.mode(); }

    /**
     * Forward and backward of one micro-batch: the encoders run under {@code precision}'s autocast,
     * the global-batch loss in float32 (the gathered features travel as float32, which every backend
     * reduces). {@code backScale} multiplies the loss for backward (loss scale / micro-batches).
     * Returns the global-batch loss, equal on every rank.
     */
    double forwardBackward(ContrastiveModel model, Precision precision, Tensor images, Tensor tokens, double backScale) {
        return forwardBackward(model, precision, images, tokens, null, backScale, true);
    }

    /**
     * As above; {@code scaleTensor} (one element on the device, may be null) times {@code backScale}
     * multiplies the loss for backward, and with {@code observe = false} the loss is not read back
     * (NaN is returned): no host synchronisation.
     */
    double forwardBackward(ContrastiveModel model, Precision precision, Tensor images, Tensor tokens, Tensor scaleTensor,
                           double backScale, boolean observe) {
        try (Scope s = Scope.open()) {
            Tensor img, txt;
            try (Precision.Region r = precision.autocast(images.device())) {
                img = model.encodeImage(images);
                txt = model.encodeText(tokens);
            }
            try (GlobalBatchLoss.Step st = lossFn.forward(img.to(DType.F32), txt.to(DType.F32), model.logitScale())) {
                double loss = observe ? st.globalLoss() : Double.NaN;
                if (scaleTensor == null) st.backward(backScale);
                else st.backward(backScale == 1.0 ? scaleTensor : scaleTensor.mul(backScale));
                return loss;
            }
        }
    }

    /** Replaces every gradient by its mean over the ranks. */
    void allReduceGradients() { buckets.allReduceMean(); }

    /** Number of gradient buckets (one all-reduce each). */
    public int bucketCount() { return buckets.bucketCount(); }
}
