package dev.jclip.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training entry point the multi-process tests spawn (one JVM per rank, launcher variables in
 * the environment): {@code steps} SGD steps on the global batch {@code globalBatch}, split evenly
 * across ranks; rank 0 writes the losses and final weights as JSON. Arguments:
 * {@code out steps globalBatch GLOBAL|LOCAL timeoutSeconds [dieRank dieStep]}.
 * The parameters start from a different seed per rank, so the broadcast from rank 0 is exercised.
 */
public final class DistTrainWorker {
    static final double LR = 0.1;

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
        try (ProcessGroup pg = ProcessGroup.init(env, dev.jclip.torch.Device.CPU, timeout)) {
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

    static Result train(ProcessGroup pg, int steps, int globalBatch, GlobalBatchLoss.Mode mode, int dieRank, int dieStep) {
        if (globalBatch % pg.worldSize() != 0) throw new IllegalArgumentException("global batch " + globalBatch + " not divisible by " + pg.worldSize());
        int b = globalBatch / pg.worldSize();
        List<Double> losses = new ArrayList<>();
        try (TinyTowers m = new TinyTowers(100 + pg.rank())) {
            GradientBuckets.broadcastParameters(pg, m.params);
            // A small bucket cap so the test model spreads over several buckets.
            GradientBuckets sync = new GradientBuckets(pg, m.params, 400);
            GlobalBatchLoss lossFn = new GlobalBatchLoss(pg, mode, TinyTowers::clipLoss);
            for (int step = 0; step < steps; step++) {
                if (pg.rank() == dieRank && step == dieStep) Runtime.getRuntime().halt(7); // a crash: no clean-up at all
                try (Scope s = Scope.open()) {
                    Tensor[] batch = TinyTowers.batch(step, globalBatch);
                    Tensor images = batch[0].narrow(0, (long) pg.rank() * b, b).contiguous();
                    Tensor tokens = batch[1].narrow(0, (long) pg.rank() * b, b).contiguous();
                    try (GlobalBatchLoss.Step st = lossFn.forward(m.encodeImage(images), m.encodeText(tokens), m.logitScale())) {
                        losses.add(st.globalLoss());
                        st.backward(1.0);
                    }
                    sync.allReduceMean();
                    m.sgdStep(LR);
                }
            }
            Map<String, float[]> params = new LinkedHashMap<>();
            m.params.forEach((k, v) -> params.put(k, v.toFloatArray()));
            return new Result(losses, params);
        }
    }
}
