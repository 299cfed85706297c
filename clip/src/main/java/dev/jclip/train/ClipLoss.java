package dev.jclip.train;

import dev.jclip.torch.DType;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.Arrays;

/**
 * CLIP's symmetric contrastive loss: {@code logits = min(exp(logit_scale), maxScale) * I T^T} over
 * L2-normalized features, cross-entropy of rows (image to text) and of columns (text to image)
 * against the diagonal, averaged.
 *
 * <pre>{@code
 * ClipLoss lossFn = new ClipLoss(0.0);
 * try (Scope s = Scope.open()) {
 *     ClipLoss.Output out = lossFn.loss(model.encodeImage(x), model.encodeText(t), model.logitScale());
 *     out.loss().backward();
 * }
 * }</pre>
 *
 * For data-parallel training, {@link #lossGathered} takes this rank's features and the features
 * all-gathered from every rank (open_clip's {@code local_loss} form): each rank scores its own
 * rows against all columns, labels offset by {@code rank * localBatch}.
 */
public final class ClipLoss {
    /** open_clip's cap on {@code exp(logit_scale)} (= 100): keeps the softmax from saturating. */
    public static final double MAX_SCALE = 100.0;

    private final double labelSmoothing;
    private final double maxScale;

    /** The loss with label smoothing {@code labelSmoothing} in [0, 1) and the scale capped at 100. */
    public ClipLoss(double labelSmoothing) { this(labelSmoothing, MAX_SCALE); }

    public ClipLoss() { this(0.0); }

    public ClipLoss(double labelSmoothing, double maxScale) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        if (!(maxScale > 0)) throw new IllegalArgumentException("max scale must be positive, got " + maxScale);
        this.labelSmoothing = labelSmoothing;
        this.maxScale = maxScale;
    }

    /** The loss and the logits it came from ({@code logitsPerText} is the transpose). */
    public record Output(Tensor loss, Tensor logitsPerImage, Tensor logitsPerText) {}

    /** The loss of raw (not yet normalized) features {@code [B, D]}, paired by row. */
    public Output loss(Tensor imageFeatures, Tensor textFeatures, Tensor logitScale) {
        checkPair(imageFeatures, textFeatures);
        try (Scope s = Scope.open()) {
            Tensor img = imageFeatures.normalize(1);
            Tensor txt = textFeatures.normalize(1);
            return keep(s, lossNormalized(img, txt, logitScale));
        }
    }

    /** The loss of L2-normalized features (what ranks all-gather). */
    public Output lossNormalized(Tensor image, Tensor text, Tensor logitScale) {
        checkPair(image, text);
        return lossGathered(image, text, image, text, 0, logitScale);
    }

    /**
     * Data-parallel form: {@code localImage}/{@code localText} are this rank's normalized features
     * {@code [b, D]}, {@code allImage}/{@code allText} the all-gathered ones {@code [worldSize*b, D]}
     * (with this rank's rows being the autograd-connected local tensors), {@code rank} this rank's index.
     */
    public Output lossGathered(Tensor localImage, Tensor localText, Tensor allImage, Tensor allText, int rank, Tensor logitScale) {
        checkPair(localImage, localText);
        checkPair(allImage, allText);
        long b = localImage.size(0);
        long total = allImage.size(0);
        if ((rank + 1) * b > total) {
            throw new IllegalArgumentException("gathered features hold " + total + " rows, too few for rank " + rank
                    + " with local batch " + b);
        }
        if (logitScale.numel() != 1) throw new IllegalArgumentException("logit_scale must hold one value, got " + logitScale.describe());
        try (Scope s = Scope.open()) {
            Tensor scale = logitScale.exp().clampMax(maxScale);
            Tensor perImage = localImage.matmul(allText.t()).mul(scale);   // [b, total]
            Tensor perText = localText.matmul(allImage.t()).mul(scale);    // [b, total]
            Tensor labels = Torch.arange(rank * b, (rank + 1) * b, 1, DType.I64, localImage.device());
            Tensor ce = F.crossEntropy(perImage, labels, labelSmoothing).add(F.crossEntropy(perText, labels, labelSmoothing));
            Tensor loss = ce.mul(0.5);
            return keep(s, new Output(loss, perImage, perText));
        }
    }

    private static Output keep(Scope s, Output o) {
        s.keep(o.loss());
        s.keep(o.logitsPerImage());
        s.keep(o.logitsPerText());
        return o;
    }

    private static void checkPair(Tensor image, Tensor text) {
        long[] a = image.shape(), b = text.shape();
        if (a.length != 2 || b.length != 2 || a[0] != b[0] || a[1] != b[1]) {
            throw new IllegalArgumentException("contrastive loss needs image and text features of one shape [B, D], got image "
                    + Arrays.toString(a) + " and text " + Arrays.toString(b));
        }
        if (a[0] == 0) throw new IllegalArgumentException("contrastive loss needs a non-empty batch");
    }
}
