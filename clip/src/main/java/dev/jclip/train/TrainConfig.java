package dev.jclip.train;

import dev.jclip.torch.Device;

/**
 * Training hyper-parameters (open_clip's names where they exist).
 *
 * <pre>{@code
 * TrainConfig cfg = TrainConfig.defaults(1000).withLr(1e-3).withPrecision(Precision.BF16);
 * }</pre>
 *
 * @param steps          optimizer steps in the whole run (0: none, the checkpoint is saved as it is)
 * @param batchSize      examples per optimizer step (on this rank)
 * @param accumSteps     micro-batches per step (gradient accumulation; must divide batchSize)
 * @param lr             peak learning rate
 * @param warmup         linear warm-up steps
 * @param adam           AdamW hyper-parameters
 * @param gradClipNorm   global-norm clip, 0 = off
 * @param labelSmoothing contrastive label smoothing
 * @param precision      fp32, bf16 or fp16
 * @param seed           seed of the torch RNG (re-seeded per step with seed + step) and of data order
 * @param device         where the model lives
 */
public record TrainConfig(int steps, int batchSize, int accumSteps, double lr, int warmup, AdamW.Options adam,
                          double gradClipNorm, double labelSmoothing, Precision precision, long seed, Device device) {
    public TrainConfig {
        // 0 steps: a fine-tuning run that only re-saves its initial checkpoint in the training format.
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        if (batchSize < 1 || accumSteps < 1 || batchSize % accumSteps != 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be a positive multiple of accumulation steps " + accumSteps);
        }
        if (!(lr >= 0) || warmup < 0 || !(gradClipNorm >= 0)) throw new IllegalArgumentException("bad lr " + lr + ", warmup " + warmup + " or clip " + gradClipNorm);
    }

    /** CLIP's optimizer settings, batch 64, lr 5e-4, 10 % warm-up, clip 1.0, fp32 on the CPU, seed 0. */
    public static TrainConfig defaults(int steps) {
        return new TrainConfig(steps, 64, 1, 5e-4, Math.max(1, steps / 10), AdamW.Options.clip(), 1.0, 0.0, Precision.FP32, 0, Device.CPU);
    }

    public TrainConfig withSteps(int v) { return new TrainConfig(v, batchSize, accumSteps, lr, warmup, adam, gradClipNorm, labelSmoothing, precision, seed, device); }
    public TrainConfig withBatch(int v) { return new TrainConfig(steps, v, accumSteps, lr, warmup, adam, gradClipNorm, labelSmoothing, precision, seed, device); }
    public TrainConfig withAccum(int v) { return new TrainConfig(steps, batchSize, v, lr, warmup, adam, gradClipNorm, labelSmoothing, precision, seed, device); }
    public TrainConfig withLr(double v) { return new TrainConfig(steps, batchSize, accumSteps, v, warmup, adam, gradClipNorm, labelSmoothing, precision, seed, device); }
    public TrainConfig withWarmup(int v) { return new TrainConfig(steps, batchSize, accumSteps, lr, v, adam, gradClipNorm, labelSmoothing, precision, seed, device); }
    public TrainConfig withAdam(AdamW.Options v) { return new TrainConfig(steps, batchSize, accumSteps, lr, warmup, v, gradClipNorm, labelSmoothing, precision, seed, device); }
    public TrainConfig withGradClip(double v) { return new TrainConfig(steps, batchSize, accumSteps, lr, warmup, adam, v, labelSmoothing, precision, seed, device); }
    public TrainConfig withLabelSmoothing(double v) { return new TrainConfig(steps, batchSize, accumSteps, lr, warmup, adam, gradClipNorm, v, precision, seed, device); }
    public TrainConfig withPrecision(Precision v) { return new TrainConfig(steps, batchSize, accumSteps, lr, warmup, adam, gradClipNorm, labelSmoothing, v, seed, device); }
    public TrainConfig withSeed(long v) { return new TrainConfig(steps, batchSize, accumSteps, lr, warmup, adam, gradClipNorm, labelSmoothing, precision, v, device); }
    public TrainConfig withDevice(Device v) { return new TrainConfig(steps, batchSize, accumSteps, lr, warmup, adam, gradClipNorm, labelSmoothing, precision, seed, v); }

    public CosineSchedule schedule() { return new CosineSchedule(lr, warmup, Math.max(1, steps)); }
}
