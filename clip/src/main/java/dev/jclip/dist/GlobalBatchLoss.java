package dev.jclip.dist;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * CLIP's contrastive loss over the global batch of a data-parallel job, with open_clip's
 * {@code gather_with_grad} semantics, and its cheaper {@code local_loss} variant.
 *
 * <p>Every rank L2-normalizes its features {@code f_r = [img | txt]} ({@code [b, 2D]}) and all-gathers
 * them into {@code G} ({@code [W b, 2D]}). libtorch's autograd cannot call back into Java, so the
 * all-gather's backward is done by hand, in two passes:
 * <ol>
 *   <li>{@code G} is a fresh leaf; {@code loss.backward()} fills {@code dL_r/dG} (and the gradient of
 *       {@code logit_scale}, which is used directly on every rank);</li>
 *   <li>{@code dL_r/dG} is all-reduced (SUM) and this rank's rows are sent back through its own
 *       encoders: {@code f_r.backward(sum_k dL_k/dG[rows of r])} &mdash; exactly the backward of
 *       {@code torch.distributed.nn.all_gather} (a reduce-scatter of the gradient).</li>
 * </ol>
 * With the gradient all-reduce averaging parameter gradients afterwards:
 * <ul>
 *   <li>{@link Mode#GLOBAL}: each rank's loss is the full {@code Wb x Wb} loss {@code L}; rank r's
 *       encoder gradient is {@code W dL/df_r df_r/dθ}, averaged: {@code sum_r dL/df_r df_r/dθ = dL/dθ};
 *       {@code logit_scale}: the average of W equal {@code dL/ds}. Identical to one process with the
 *       whole batch.</li>
 *   <li>{@link Mode#LOCAL}: rank r scores its own {@code b} rows against all {@code Wb} columns, loss
 *       {@code L_r}; the global loss is {@code (1/W) sum_r L_r}, which again equals the one-process
 *       loss (a mean over all rows); the same two passes give its exact gradient. Cost per rank
 *       {@code b x Wb} instead of {@code Wb x Wb}.</li>
 * </ul>
 *
 * <pre>{@code
 * GlobalBatchLoss lossFn = new GlobalBatchLoss(pg, GlobalBatchLoss.Mode.GLOBAL, clipLoss::lossGathered);
 * try (GlobalBatchLoss.Step st = lossFn.forward(model.encodeImage(x), model.encodeText(t), model.logitScale())) {
 *     double loss = st.loss().item();   // the global-batch loss
 *     st.backward(1.0);                 // gradients on this rank's parameters
 * }
 * gradientBuckets.allReduceMean();
 * }</pre>
 */
public final class GlobalBatchLoss {
    /** Which rows a rank scores. */
    public enum Mode {
        /** Every rank computes the whole global-batch loss (open_clip's default). */
        GLOBAL,
        /** Each rank scores its own rows against all columns (open_clip's {@code --local-loss}). */
        LOCAL
    }

    /**
     * A contrastive loss over L2-normalized features: {@code localImage/localText} are the rows to
     * score ({@code [b, D]}), {@code allImage/allText} all candidates ({@code [N, D]}), the correct
     * pair of local row i is candidate {@code rank * b + i}. {@code ClipLoss.lossGathered} (package
     * train) has this contract: {@code (li, lt, ai, at, r, s) -> clipLoss.lossGathered(li, lt, ai, at, r, s).loss()}.
     */
    @FunctionalInterface
    public interface Criterion {
        Tensor loss(Tensor localImage, Tensor localText, Tensor allImage, Tensor allText, int rank, Tensor logitScale);
    }

    private final ProcessGroup pg;
    private final Mode mode;
    private final Criterion criterion;

    public GlobalBatchLoss(ProcessGroup pg, Mode mode, Criterion criterion) {
        this.pg = pg;
        this.mode = mode;
        this.criterion = criterion;
    }

    public Mode mode() { return mode; }

    /** One forward: owns the gathered leaf and the local features until closed. */
    public final class Step implements AutoCloseable {
        private final Tensor local;     // [b, 2D], connected to the encoders
        private final Tensor gathered;  // [W b, 2D], a leaf
        private final Tensor loss;
        private boolean done;

        private Step(Tensor local, Tensor gathered, Tensor loss) {
            this.local = local;
            this.gathered = gathered;
            this.loss = loss;
        }

        /** This rank's loss: the global-batch loss (GLOBAL) or its own rows' share (LOCAL); still attached to the graph. */
        public Tensor loss() { return loss; }

        /**
         * The loss of the whole global batch, equal on every rank: this rank's loss (GLOBAL) or the
         * mean of every rank's share (LOCAL, one small all-reduce).
         */
        public double globalLoss() {
            if (mode == Mode.GLOBAL || pg.worldSize() == 1) return loss.item();
            try (Scope s = Scope.open()) {
                Tensor v = loss.detach().reshape(1).copy();
                pg.allReduceSum(v);
                return v.item() / pg.worldSize();
            }
        }

        /**
         * Both backward passes; {@code scale} multiplies the loss first (the fp16 loss scale, or
         * {@code 1/accumSteps}). Call once.
         */
        public void backward(double scale) {
            try (Scope s = Scope.open()) {
                backwardOf(scale == 1.0 ? loss : loss.mul(scale));
            }
        }

        /**
         * {@link #backward(double)} with the scale as a one-element tensor on the loss's device (the
         * fp16 loss scale as the scaler keeps it: no host read of it).
         */
        public void backward(Tensor scale) {
            try (Scope s = Scope.open()) {
                backwardOf(loss.mul(scale.reshape(new long[0])));
            }
        }

        private void backwardOf(Tensor scaled) {
            if (done) throw new IllegalStateException("backward already ran for this step");
            done = true;
            try (Scope s = Scope.open()) {
                scaled.backward();
                Tensor g = gathered.grad();
                if (g == null) throw new IllegalStateException("the criterion's loss does not depend on the gathered features");
                Tensor sum = g.contiguous(); // summed in place: the leaf's gradient is not needed afterwards
                pg.allReduceSum(sum);
                long b = local.size(0);
                local.backward(sum.narrow(0, pg.rank() * b, b), false);
            }
        }

        @Override public void close() {
            local.close();
            gathered.close();
            loss.close();
        }
    }

    /** Normalizes and gathers this rank's raw features {@code [b, D]} and computes the loss. */
    public Step forward(Tensor imageFeatures, Tensor textFeatures, Tensor logitScale) {
        long[] si = imageFeatures.shape(), st = textFeatures.shape();
        if (si.length != 2 || !java.util.Arrays.equals(si, st)) {
            throw new IllegalArgumentException("global-batch loss needs image and text features of one shape [b, D], got image "
                    + java.util.Arrays.toString(si) + " and text " + java.util.Arrays.toString(st));
        }
        long b = si[0], d = si[1];
        try (Scope s = Scope.open()) {
            Tensor local = Torch.cat(List.of(imageFeatures.normalize(1), textFeatures.normalize(1)), 1);
            Tensor gathered;
            try (var ng = Torch.noGrad(); Tensor detached = local.detach()) {
                gathered = pg.allGather(detached.contiguous());
            }
            gathered.requiresGrad(true);
            Tensor allImage = gathered.narrow(1, 0, d), allText = gathered.narrow(1, d, d);
            Tensor loss;
            if (mode == Mode.GLOBAL) {
                loss = criterion.loss(allImage, allText, allImage, allText, 0, logitScale);
            } else {
                long off = pg.rank() * b;
                loss = criterion.loss(allImage.narrow(0, off, b), allText.narrow(0, off, b), allImage, allText, pg.rank(), logitScale);
            }
            s.keep(local);
            s.keep(gathered);
            s.keep(loss);
            return new Step(local, gathered, loss);
        }
    }
}
