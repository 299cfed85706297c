package dev.jclip.samples;

import dev.jclip.dist.DistEnv;
import dev.jclip.dist.GlobalBatchLoss;
import dev.jclip.dist.GradientBuckets;
import dev.jclip.dist.PeerFailureException;
import dev.jclip.dist.ProcessGroup;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.model.Parameter;
import dev.jclip.train.ClipLoss;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clip bench dist}: data-parallel training throughput of a small CLIP (ViT) on random data,
 * one process or many under a launcher. Each step: forward on this rank's share of the global
 * batch, the global-batch contrastive loss (all-gather with gradient), backward, bucketed gradient
 * all-reduce, an SGD update. Rank 0 prints global samples per second.
 *
 * <pre>
 * $ scripts/clip bench dist --batch 32                          # one process
 * $ scripts/launch --nproc 2 -- scripts/clip bench dist --batch 32   # two, same global batch
 * </pre>
 */
@Command(name = "dist", mixinStandardHelpOptions = true,
        description = "Data-parallel training throughput (run it under scripts/launch, torchrun --no-python or srun).")
public final class BenchDistCommand implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "32", description = "Global batch, split over the ranks (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--local-loss", description = "Each rank scores only its own rows (cheaper; same loss and gradients).")
    boolean localLoss;

    @Option(names = "--timeout", defaultValue = "60", description = "Seconds to wait for peers and for each collective (default ${DEFAULT-VALUE}).")
    long timeout;

    /** Small enough for a 2-core CPU: ViT 32 px / patch 8, 2 layers of width 128; text 2 layers of width 128, context 16. */
    private static final ClipLoss CLIP_LOSS = new ClipLoss();

    static final ClipArchitecture ARCH = new ClipArchitecture(64, 32, new int[]{2}, 128, 8, 16, 1000, 128, 2, 2, true);

    @Override public Integer call() {
        DistEnv env = DistEnv.fromEnvironment();
        if (batch % env.worldSize() != 0) throw new IllegalArgumentException("--batch " + batch + " is not divisible by the world size " + env.worldSize());
        int b = batch / env.worldSize();
        try (ProcessGroup pg = ProcessGroup.init(env, Device.CPU, Duration.ofSeconds(timeout));
             ClipModel model = ClipModel.initialized(ARCH, 0, DType.F32, Device.CPU)) {
            model.requiresGrad(true).train(true);
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (Parameter p : model.store().entries()) if (!p.isBuffer()) params.put(p.name(), p.get());
            GradientBuckets.broadcastParameters(pg, params);
            GradientBuckets sync = new GradientBuckets(pg, params, GradientBuckets.DEFAULT_BUCKET_BYTES);
            GlobalBatchLoss lossFn = new GlobalBatchLoss(pg, localLoss ? GlobalBatchLoss.Mode.LOCAL : GlobalBatchLoss.Mode.GLOBAL,
                    (li, lt, ai, at, r, sc) -> CLIP_LOSS.lossGathered(li, lt, ai, at, r, sc).loss());
            long t0 = 0;
            double loss = Double.NaN;
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) { pg.barrier(); t0 = System.nanoTime(); }
                try (Scope s = Scope.open()) {
                    Torch.manualSeed(1000L * step + pg.rank());
                    Tensor images = Torch.randn(new long[]{b, 3, ARCH.imageResolution(), ARCH.imageResolution()}, DType.F32, Device.CPU);
                    Tensor tokens = Torch.randint(1, ARCH.vocabSize(), new long[]{b, ARCH.contextLength()}, DType.I64, Device.CPU);
                    try (GlobalBatchLoss.Step st = lossFn.forward(model.encodeImage(images), model.encodeText(tokens), model.logitScale())) {
                        loss = st.globalLoss();
                        st.backward(1.0);
                    }
                    sync.allReduceMean();
                    sgd(params, 1e-3);
                }
            }
            pg.barrier();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (pg.isMain()) {
                System.out.printf("world %d, global batch %d (%d per rank), %s loss, %d buckets: %.1f samples/s (%.1f ms/step), last loss %.4f%n",
                        pg.worldSize(), batch, b, lossFn.mode(), sync.bucketCount(), batch * steps / secs, 1000 * secs / steps, loss);
            }
            return 0;
        } catch (PeerFailureException e) {
            System.err.println("jclip: " + e.getMessage());
            return 3;
        }
    }

    private static void sgd(Map<String, Tensor> params, double lr) {
        try (var ng = Torch.noGrad(); Scope s = Scope.open()) {
            for (Tensor p : params.values()) {
                Tensor g = p.grad();
                if (g == null) continue;
                p.copy_(p.sub(g.mul(lr)));
                p.setGrad(null);
            }
        }
    }
}
