package dev.jclip.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.data.DataLoader;
import dev.jclip.data.ShapesDataset;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.train.AdamW;
import dev.jclip.train.Recipes;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training entry point the multi-process tests spawn (one JVM per rank, launcher variables in
 * the environment): the real {@link Trainer} (ClipModel, ClipLoss over the global batch, fused
 * AdamW, clipping) for {@code steps} steps on synthetic shapes, the global batch split evenly across
 * ranks by the sharded {@link DataLoader}; rank 0 writes the losses and final weights as JSON.
 * Arguments: {@code out steps globalBatch GLOBAL|LOCAL timeoutSeconds [dieRank dieStep]}.
 * The model starts from a different seed per rank, so the broadcast from rank 0 is exercised.
 */
public final class DistTrainWorker {
    /** A tiny ViT CLIP: 16 px / patch 8, one layer of width 64 (the least: heads = width / 64); byte-level text, one layer of width 32, context 32. */
    static final ClipArchitecture ARCH = ClipArchitecture.vit(16, 16, 1, 64, 8, 32, ClipTokenizer.bytesOnly().vocabulary().size(), 32, 2, 1);
    static final long SEED = 11;

    record Result(List<Double> losses, Map<String, float[]> params) {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        int globalBatch = Integer.parseInt(args[2]);
        GlobalBatchLoss.Mode mode = GlobalBatchLoss.Mode.valueOf(args[3]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[4]));
        int dieRank = args.length > 5 ? Integer.parseInt(args[5]) : -1;
        int dieStep = args.length > 6 ? Integer.parseInt(args[6]) : -1;
        DistEnv env = DistEnv.fromEnvironment();
        try (ProcessGroup pg = ProcessGroup.init(env, Device.CPU, timeout)) {
            Result r = train(pg, steps, globalBatch, mode, dieRank, dieStep);
            if (pg.isMain()) {
                Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
                new ObjectMapper().writeValue(tmp.toFile(), r);
                Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (PeerFailureException e) {
            System.err.println("jclip: " + e.getMessage());
            System.exit(3);
        }
    }

    /** {@code steps} steps of the global batch; with a group of one, the plain single-process trainer. */
    static Result train(ProcessGroup pg, int steps, int globalBatch, GlobalBatchLoss.Mode mode, int dieRank, int dieStep) {
        if (globalBatch % pg.worldSize() != 0) throw new IllegalArgumentException("global batch " + globalBatch + " not divisible by " + pg.worldSize());
        int b = globalBatch / pg.worldSize();
        TrainConfig cfg = TrainConfig.defaults(steps).withBatch(b).withLr(2e-3).withWarmup(1).withSeed(SEED)
                .withAdam(AdamW.Options.clip().withWeightDecay(0.1)).withGradClip(1.0);
        var tokenize = Recipes.tokenizeWith(ClipTokenizer.bytesOnly(), ARCH.contextLength());
        List<Double> losses = new ArrayList<>();
        try (ClipModel m = ClipModel.initialized(ARCH, SEED + pg.rank(), DType.F32, Device.CPU);
             Trainer tr = new Trainer(m, tokenize, cfg);
             DataLoader dl = new DataLoader(new ShapesDataset(ARCH.imageResolution(), ShapesDataset.Split.TRAIN, 512, SEED),
                     new DataLoader.Options(b, SEED, pg.rank(), pg.worldSize(), 1, 2, 0))) {
            tr.distribute(pg, mode);
            for (int step = 0; step < steps; step++) {
                if (pg.rank() == dieRank && step == dieStep) Runtime.getRuntime().halt(7); // a crash: no clean-up at all
                losses.add(tr.train(dl.next()).loss());
            }
            Map<String, float[]> params = new LinkedHashMap<>();
            tr.model().namedParameters().forEach((k, v) -> params.put(k, v.toFloatArray()));
            return new Result(losses, params);
        }
    }
}
