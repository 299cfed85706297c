package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * {@code nn.BatchNorm2d} (eps 1e-5, momentum 0.1): parameters {@code weight}, {@code bias};
 * buffers {@code running_mean}, {@code running_var}, {@code num_batches_tracked} (int64, 0-d).
 * In evaluation mode the running statistics normalise; in training mode the batch's do, and the
 * running ones and the batch counter are updated in place, as PyTorch does.
 *
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(store, "visual.bn1", 32);
 * Tensor y = bn.forward(x);
 * }</pre>
 */
public final class BatchNorm2d extends Module {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter numBatchesTracked;

    public BatchNorm2d(ParameterStore store, String prefix, long features) {
        super(store, prefix);
        weight = parameter("weight", features);
        bias = parameter("bias", features);
        runningMean = buffer("running_mean", features);
        runningVar = buffer("running_var", features);
        numBatchesTracked = buffer("num_batches_tracked");
    }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }
    public Parameter runningMean() { return runningMean; }
    public Parameter runningVar() { return runningVar; }
    public double eps() { return EPS; }

    /** Whether the model is in training mode (batch statistics). */
    public boolean isTraining() { return training(); }

    public Tensor forward(Tensor x) {
        boolean training = training();
        Tensor y = F.batchNorm(x, runningMean.get(), runningVar.get(), weight.get(), bias.get(), training, MOMENTUM, EPS);
        if (training) {
            try (Scope s = Scope.open(); var g = Torch.noGrad()) {
                Tensor n = numBatchesTracked.get();
                // n + 1 as a sum: Tensor.add on int64 fails in the tensor layer (its alpha is passed as a double)
                n.copy_(Torch.stack(List.of(n, Torch.onesLike(n)), 0).sum());
            }
        }
        return y;
    }
}
