package dev.jclip.train;

import dev.jclip.data.Batch;
import dev.jclip.data.DataLoader;
import dev.jclip.data.ShapesDataset;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    static final int PX = 16, VOCAB = 64, CONTEXT = 24;
    static final Function<List<String>, Tensor> TOK = t -> TinyModel.tokenize(t, CONTEXT, VOCAB);

    static TinyModel model(long seed) { return new TinyModel(3 * PX * PX, VOCAB, 16, 8, DType.F32, seed); }

    static ShapesDataset shapes() { return new ShapesDataset(PX, ShapesDataset.Split.TRAIN, 256, 1); }

    static TrainConfig config(int steps) { return TrainConfig.defaults(steps).withBatch(16).withLr(5e-3).withWarmup(2).withSeed(5); }

    @Test void smokeLossFallsOnShapes() {
        try (TinyModel m = model(1); Trainer tr = new Trainer(m, TOK, config(30));
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, 5))) {
            double first = 0, last = 0;
            for (int i = 0; i < 30; i++) {
                Trainer.StepResult r = tr.train(dl.next());
                assertFalse(r.skipped());
                assertTrue(Double.isFinite(r.loss()) && Double.isFinite(r.gradNorm()), r.toString());
                if (i < 5) first += r.loss();
                if (i >= 25) last += r.loss();
            }
            assertEquals(30, tr.step());
            assertTrue(last < first * 0.9, "loss did not fall: first five " + first / 5 + ", last five " + last / 5);
        }
    }

    @Test void bf16StepRunsUnderAutocastWithFloat32Weights() {
        try (TinyModel m = model(2); Trainer tr = new Trainer(m, TOK, config(3).withPrecision(Precision.BF16));
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, 5))) {
            Trainer.StepResult r = tr.train(dl.next());
            assertTrue(Double.isFinite(r.loss()));
            assertEquals(DType.F32, m.params.get("visual.proj").dtype());
        }
    }

    /** Accumulating two micro-batches of 8 gives the mean of their gradients (checked on the first AdamW step's input). */
    @Test void accumulationAveragesMicroBatchGradients() {
        Batch b;
        try (DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, 5))) { b = dl.next(); }
        double[] expected;
        try (TinyModel m = model(3); Scope s = Scope.open()) {
            ClipLoss fn = new ClipLoss();
            Tensor x = b.images(dev.jclip.torch.Device.CPU), t = TOK.apply(b.captions());
            for (int k = 0; k < 2; k++) {
                fn.loss(m.encodeImage(x.narrow(0, k * 8, 8)), m.encodeText(t.narrow(0, k * 8, 8)), m.logitScale()).loss().div(2).backward();
            }
            expected = m.params.get("text_projection").grad().toDoubleArray();
        }
        try (TinyModel m = model(3); Trainer tr = new Trainer(m, TOK, config(3).withAccum(2).withGradClip(0))) {
            double[][] seen = new double[1][];
            // Read the accumulated gradient just before the optimizer consumes it.
            Trainer spy = tr;
            try (Scope s = Scope.open()) {
                Tensor x = b.images(dev.jclip.torch.Device.CPU), t = TOK.apply(b.captions());
                ClipLoss fn = new ClipLoss();
                for (int k = 0; k < 2; k++) {
                    fn.loss(m.encodeImage(x.narrow(0, k * 8, 8)), m.encodeText(t.narrow(0, k * 8, 8)), m.logitScale()).loss().div(2).backward();
                }
                seen[0] = m.params.get("text_projection").grad().toDoubleArray();
            }
            assertArrayEquals(expected, seen[0], 1e-6);
            // And the trainer's own accumulated step lands on the same weights as this manual one.
            spy.finishStep(0);
            float[] manual = m.params.get("text_projection").toFloatArray();
            try (TinyModel m2 = model(3); Trainer tr2 = new Trainer(m2, TOK, config(3).withAccum(2).withGradClip(0))) {
                tr2.train(b);
                assertArrayEquals(manual, m2.params.get("text_projection").toFloatArray(), 1e-6f);
            }
        }
    }

    /** A scale of 2^24 overflows fp16 in backward for real: the step is skipped and the scale halved. */
    @Test void fp16RealOverflowInBackwardSkipsTheStep() {
        try (TinyModel m = model(4); Trainer tr = new Trainer(m, TOK, config(5).withPrecision(Precision.FP16), new GradScaler(1 << 24, 2, 0.5, 2000));
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, 5))) {
            float[] before = m.params.get("visual.proj").toFloatArray();
            Trainer.StepResult r = tr.train(dl.next());
            assertTrue(r.skipped());
            assertTrue(Double.isFinite(r.loss()), "the loss itself is finite; only the scaled gradients overflow");
            assertEquals(1 << 23, r.lossScale());
            assertArrayEquals(before, m.params.get("visual.proj").toFloatArray());
        }
    }

    @Test void fp16ForcedOverflowSkipsTheStepAndHalvesTheScale() {
        try (TinyModel m = model(4); Trainer tr = new Trainer(m, TOK, config(5).withPrecision(Precision.FP16), new GradScaler(8, 2, 0.5, 2000));
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, 5))) {
            Trainer.StepResult ok = tr.train(dl.next());
            assertFalse(ok.skipped(), "a normal fp16 step must not overflow");
            assertTrue(Double.isFinite(ok.loss()));
            assertEquals(8.0, ok.lossScale());
            float[] before = m.params.get("visual.proj").toFloatArray();
            double stepCount = tr.optimizer().state().get("step.visual.proj").item();
            // Inject an infinite gradient, as an fp16 overflow in backward would leave it.
            try (Scope s = Scope.open()) {
                for (Tensor p : m.params.values()) p.setGrad(Torch.onesLike(p));
                Tensor g = m.params.get("visual.proj").grad();
                g.view(-1).select(0, 3).fill_(Double.POSITIVE_INFINITY);
            }
            Trainer.StepResult bad = tr.finishStep(1.0);
            assertTrue(bad.skipped());
            assertEquals(4.0, bad.lossScale());
            assertEquals(4.0, tr.scaler().scale());
            assertArrayEquals(before, m.params.get("visual.proj").toFloatArray(), "weights must not move on a skipped step");
            assertEquals(stepCount, tr.optimizer().state().get("step.visual.proj").item());
            assertTrue(m.params.get("visual.proj").grad() == null, "gradients are dropped after the step");
        }
    }

    @Test void scalerGrowsAfterTheIntervalAndBacksOff() {
        try (GradScaler sc = new GradScaler(8.0, 2.0, 0.5, 2); Scope s = Scope.open()) {
            Tensor g = Torch.ones(DType.F32, 3);
            assertTrue(sc.unscale(List.of(g)));
            assertArrayEquals(new float[]{0.125f, 0.125f, 0.125f}, g.toFloatArray());
            sc.update();
            assertEquals(8.0, sc.scale());
            assertTrue(sc.unscale(List.of(g)));
            sc.update();
            assertEquals(16.0, sc.scale(), "two clean steps with interval 2 double the scale");
            g.fill_(Double.NaN);
            assertFalse(sc.unscale(List.of(g)));
            sc.update();
            assertEquals(8.0, sc.scale());
        }
    }

    /** 20 steps in one go, or 10 + checkpoint + a fresh process-like restart + 10: the same weights, bit for bit. */
    @Test void resumeContinuesBitForBit(@TempDir Path dir) {
        TrainConfig cfg = config(20).withPrecision(Precision.FP16).withAccum(2);
        float[][] straight;
        try (TinyModel m = model(7); Trainer tr = new Trainer(m, TOK, cfg);
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, cfg.seed()))) {
            for (int i = 0; i < 20; i++) tr.train(dl.next());
            straight = weights(m);
        }
        try (TinyModel m = model(7); Trainer tr = new Trainer(m, TOK, cfg);
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, cfg.seed()))) {
            for (int i = 0; i < 10; i++) tr.train(dl.next());
            TrainCheckpoint.save(dir, tr, "{\"tiny\":true}", "{\"type\":\"test\"}", null);
        }
        assertTrue(Files.exists(dir.resolve("model.safetensors")) && Files.exists(dir.resolve("train_state.json")));
        try (TinyModel m = model(99); Trainer tr = new Trainer(m, TOK, cfg)) {
            assertNotEquals(straight[0][0], m.params.get("visual.proj").toFloatArray()[0]);
            long step = TrainCheckpoint.resume(dir, tr);
            assertEquals(10, step);
            try (DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, cfg.seed()).startingAt(step))) {
                for (int i = 0; i < 10; i++) tr.train(dl.next());
            }
            float[][] resumed = weights(m);
            for (int i = 0; i < straight.length; i++) assertArrayEquals(straight[i], resumed[i], "parameter " + i);
        }
    }

    @Test void resumeRejectsATornCheckpoint(@TempDir Path dir) throws Exception {
        try (TinyModel m = model(1); Trainer tr = new Trainer(m, TOK, config(4));
             DataLoader dl = new DataLoader(shapes(), DataLoader.Options.of(16, 5))) {
            tr.train(dl.next());
            TrainCheckpoint.save(dir, tr, null, null, null);
            Files.writeString(dir.resolve("train_state.json"), "{\"step\": 3}");
            var e = assertThrows(dev.jclip.io.CheckpointException.class, () -> TrainCheckpoint.resume(dir, tr));
            assertTrue(e.getMessage().contains("step"), e.getMessage());
        }
    }

    private static float[][] weights(TinyModel m) {
        return m.params.values().stream().map(Tensor::toFloatArray).toArray(float[][]::new);
    }
}
