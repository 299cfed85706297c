package dev.jclip.model;

import dev.jclip.testing.ReferenceModels;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of ClipModel beyond parity: memory, dtype/device, modes, loading errors, other image sizes. */
class ClipModelTest {
    static ReferenceModels fx;

    @BeforeAll static void load() { fx = ReferenceModels.load(); }

    @AfterAll static void free() { if (fx != null) fx.close(); }

    @Test void forwardPassesLeaveNoLiveTensors() {
        for (var pair : new Map[][]{{fx.vitWeights(), fx.vitInputs()}, {fx.resnetWeights(), fx.resnetInputs()}}) {
            @SuppressWarnings("unchecked") Map<String, Tensor> w = pair[0], in = pair[1];
            long beforeModel = Tensor.liveCount();
            try (ClipModel m = ClipModel.fromStateDict(w)) {
                // the first passes pack inference weights (model state, freed with the model): count after them
                try (ClipLogits warm = m.forward(in.get("images"), in.get("tokens"))) { assertEquals(2, warm.logitsPerImage().dim()); }
                long start = Tensor.liveCount();
                try (Tensor f = m.encodeImage(in.get("images"))) { assertEquals(2, f.dim()); }
                assertEquals(start, Tensor.liveCount(), "after encodeImage");
                try (Tensor f = m.encodeText(in.get("tokens"))) { assertEquals(2, f.dim()); }
                assertEquals(start, Tensor.liveCount(), "after encodeText");
                try (ClipLogits out = m.forward(in.get("images"), in.get("tokens"))) { assertEquals(4, out.logitsPerImage().size(0)); }
                assertEquals(start, Tensor.liveCount(), "after forward");
            }
            assertEquals(beforeModel, Tensor.liveCount(), "after closing the model");
        }
    }

    /** Parameters live outside every scope: a model made inside nested scopes outlives them. */
    @Test void modelBuiltInsideNestedScopesSurvivesThem() {
        ClipModel m;
        try (Scope outer = Scope.open(); Scope inner = Scope.open()) {
            m = ClipModel.fromStateDict(fx.vitWeights());
            m.to(DType.F64);
        }
        try (m; Scope s = Scope.open()) {
            assertEquals(DType.F64, m.encodeText(fx.vitInputs().get("tokens")).dtype());
        }
        assertThrows(IllegalStateException.class, () -> m.logitScale());
    }

    @Test void inferenceRecordsNoGraphUntilGradientsAreRequested() {
        try (ClipModel m = ClipModel.fromStateDict(fx.vitWeights()); Scope s = Scope.open()) {
            assertFalse(m.encodeText(fx.vitInputs().get("tokens")).requiresGrad());
            m.requiresGrad(true);
            assertTrue(m.encodeText(fx.vitInputs().get("tokens")).requiresGrad());
            try (var g = Torch.noGrad()) { assertFalse(m.encodeText(fx.vitInputs().get("tokens")).requiresGrad()); }
            m.to(DType.F64);   // moving keeps the flag
            assertTrue(m.parameters().stream().allMatch(Tensor::requiresGrad));
            assertEquals(DType.F64, m.dtype());
        }
    }

    @Test void dtypeConversionKeepsIntegerBuffersAndRoundTripsExactly() {
        try (ClipModel m = ClipModel.fromStateDict(fx.resnetWeights()); Scope s = Scope.open()) {
            Tensor images = fx.resnetInputs().get("images");
            float[] f32 = m.encodeImage(images).toFloatArray();
            m.to(Device.CPU, DType.F64);
            assertEquals(DType.F64, m.stateDict().get("visual.layer1.0.bn1.running_var").dtype());
            assertEquals(DType.I64, m.stateDict().get("visual.layer1.0.bn1.num_batches_tracked").dtype());
            assertEquals(DType.F64, m.encodeImage(images).dtype());   // inputs are cast to the model's dtype
            m.to(DType.F32);                                            // float32 -> float64 -> float32 is exact
            assertArrayEquals(f32, m.encodeImage(images).toFloatArray());
        }
    }

    @Test void halfPrecisionInferenceIsCloseToFloat32() {
        for (DType half : new DType[]{DType.BF16, DType.F16}) {
            for (var pair : new Map[][]{{fx.vitWeights(), fx.vitInputs()}, {fx.resnetWeights(), fx.resnetInputs()}}) {
                @SuppressWarnings("unchecked") Map<String, Tensor> w = pair[0], in = pair[1];
                try (ClipModel m = ClipModel.fromStateDict(w); Scope s = Scope.open()) {
                    Tensor ref = m.encodeText(in.get("tokens"));
                    Tensor refImg = m.encodeImage(in.get("images"));
                    m.to(half);
                    Tensor txt = m.encodeText(in.get("tokens"));
                    Tensor img = m.encodeImage(in.get("images"));
                    assertEquals(half, txt.dtype());
                    assertEquals(half, img.dtype());
                    // bf16 keeps 8 mantissa bits (observed <= 1e-2 of the largest feature), fp16 11 bits
                    double rel = half == DType.BF16 ? 0.03 : 0.005;
                    Fixtures.assertClose(half + " text features", ref, txt.to(DType.F32), rel);
                    Fixtures.assertClose(half + " image features", refImg, img.to(DType.F32), rel);
                }
            }
        }
    }

    /**
     * LayerNorm follows its input's dtype whatever the weights' dtype: half inputs are normalised in
     * float32 and cast back (the reference's rule), float64 inputs in float64 (where the reference's
     * float32 cast fails, see the fixtures' README), float32 weights cast as needed.
     */
    @Test void layerNormFollowsTheInputDtypeWhateverTheWeights() {
        try (ParameterStore store = new ParameterStore(); Scope s = Scope.open()) {
            LayerNorm ln = new LayerNorm(store, "ln", 16);
            Torch.manualSeed(11);
            Tensor w = Torch.randn(new long[]{16}, DType.F32, Device.CPU), b = Torch.randn(new long[]{16}, DType.F32, Device.CPU);
            store.load(Map.of("ln.weight", w, "ln.bias", b), true);   // float32 norms, as in OpenAI's fp16 checkpoints
            Tensor x = Torch.randn(new long[]{5, 16}, DType.F64, Device.CPU).mul(30.0).add(100.0);
            for (DType dt : new DType[]{DType.BF16, DType.F16, DType.F64}) {
                Tensor xin = x.to(dt);
                DType compute = dt == DType.F64 ? DType.F64 : DType.F32;
                Tensor expected = F.layerNorm(xin.to(compute), new long[]{16}, w.to(compute), b.to(compute), 1e-5).to(dt);
                Tensor y = ln.forward(xin);
                assertEquals(dt, y.dtype());
                assertArrayEquals(expected.toDoubleArray(), y.toDoubleArray(), dt.toString());
            }
        }
    }

    @Test void autocastRunsAFloat32ModelInBfloat16() {
        try (ClipModel m = ClipModel.fromStateDict(fx.vitWeights()); Scope s = Scope.open()) {
            Tensor ref = m.encodeImage(fx.vitInputs().get("images"));
            Tensor img;
            try (var ac = Torch.autocast(Device.CPU, DType.BF16)) {
                img = m.encodeImage(fx.vitInputs().get("images"));
            }
            assertEquals(DType.F32, m.dtype(), "autocast does not change the weights");
            Fixtures.assertClose("autocast bf16 image features", ref, img.to(DType.F32), 0.03);
        }
    }

    @Test void trainModeUsesBatchStatisticsAndUpdatesRunningOnes() {
        try (ClipModel m = ClipModel.fromStateDict(fx.resnetWeights()); Scope s = Scope.open()) {
            Tensor images = fx.resnetInputs().get("images");
            Map<String, Tensor> sd = m.stateDict();
            double[] mean0 = sd.get("visual.bn1.running_mean").toDoubleArray();
            long count0 = sd.get("visual.bn1.num_batches_tracked").itemLong();
            float[] eval = m.encodeImage(images).toFloatArray();
            assertEquals(count0, sd.get("visual.bn1.num_batches_tracked").itemLong(), "eval mode leaves the counter");

            // the batch mean that visual.bn1 sees: mean of conv1(images) over N, H, W
            double[] batchMean = F.conv2d(images, sd.get("visual.conv1.weight"), null, 2, 1)
                    .mean(new long[]{0, 2, 3}, false).toDoubleArray();
            m.train(true);
            float[] train = m.encodeImage(images).toFloatArray();
            assertEquals(count0 + 1, sd.get("visual.bn1.num_batches_tracked").itemLong());
            double[] mean1 = sd.get("visual.bn1.running_mean").toDoubleArray();
            for (int i = 0; i < mean0.length; i++) {
                assertEquals(0.9 * mean0[i] + 0.1 * batchMean[i], mean1[i], 1e-6, "running_mean[" + i + "] (momentum 0.1)");
            }
            assertFalse(java.util.Arrays.equals(eval, train), "batch statistics change the output");
            m.eval();
            assertFalse(m.isTraining());
        }
    }

    @Test void strictLoadingListsEveryProblem() {
        long start = Tensor.liveCount();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> bad = new LinkedHashMap<>(fx.vitWeights());
            bad.remove("ln_final.bias");
            bad.put("visual.extra", Torch.zeros(DType.F32, 2));
            bad.put("text_projection", Torch.zeros(DType.F32, 64, 31));
            ClipArchitecture a = ClipArchitecture.fromJson(Fixtures.root().resolve("models/vit_a/config.json"));
            var e = assertThrows(StateDictMismatchException.class, () -> ClipModel.fromStateDict(bad, a));
            assertEquals(java.util.List.of("ln_final.bias"), e.missing());
            assertEquals(java.util.List.of("visual.extra"), e.unexpected());
            assertEquals(1, e.shapeMismatches().size());
            assertTrue(e.getMessage().contains("text_projection: checkpoint [64, 31] vs model [64, 32]"), e.getMessage());
        }
        assertEquals(start, Tensor.liveCount(), "a failed load frees what it allocated");
    }

    @Test void openAiNonTensorKeysAreIgnoredAsInBuildModel() {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> sd = new LinkedHashMap<>(fx.vitWeights());
            sd.put("input_resolution", Torch.scalar(32L));
            sd.put("context_length", Torch.scalar(77L));
            sd.put("vocab_size", Torch.scalar(64L));
            try (ClipModel m = ClipModel.fromStateDict(sd)) {
                assertEquals(32, m.architecture().imageResolution());
                assertTrue(m.store().isComplete());
            }
        }
    }

    @Test void badInputsGiveClearErrors() {
        try (ClipModel m = ClipModel.fromStateDict(fx.vitWeights()); Scope s = Scope.open()) {
            var e = assertThrows(IllegalArgumentException.class, () -> m.encodeImage(Torch.zeros(DType.F32, 2, 1, 32, 32)));
            assertTrue(e.getMessage().contains("[2, 1, 32, 32]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.encodeText(Torch.zeros(DType.I64, 2, 78)));
            assertTrue(e.getMessage().contains("77"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.encodeText(Torch.zeros(DType.F32, 2, 77)));
            assertTrue(e.getMessage().contains("integers"), e.getMessage());
        }
        ClipModel closed = ClipModel.fromStateDict(fx.vitWeights());
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.encodeText(fx.vitInputs().get("tokens")));
    }

    @Test void otherImageSizesInterpolateThePositionalEmbedding() {
        try (ClipModel vit = ClipModel.fromStateDict(fx.vitWeights()); ClipModel rn = ClipModel.fromStateDict(fx.resnetWeights());
             Scope s = Scope.open()) {
            Torch.manualSeed(7);
            Tensor f = vit.encodeImage(Torch.randn(new long[]{2, 3, 48, 40}, DType.F32, Device.CPU));
            assertArrayEquals(new long[]{2, 32}, f.shape());
            assertTrue(f.isfinite().all().itemBool());
            Tensor g = rn.encodeImage(Torch.randn(new long[]{2, 3, 96, 96}, DType.F32, Device.CPU));
            assertArrayEquals(new long[]{2, 16}, g.shape());
            assertTrue(g.isfinite().all().itemBool());
        }
    }

    @Test void positionalEmbeddingResizeKeepsTheLeadingRowAndConstants() {
        try (Scope s = Scope.open()) {
            Tensor pe = Torch.cat(java.util.List.of(Torch.full(new long[]{1, 3}, 5.0, DType.F32, Device.CPU),
                    Torch.full(new long[]{16, 3}, 2.0, DType.F32, Device.CPU)), 0);   // 4x4 grid, constant 2
            Tensor same = PositionalEmbedding.resize(pe, 4, 4);
            assertArrayEquals(pe.toFloatArray(), same.toFloatArray());
            Tensor big = PositionalEmbedding.resize(pe, 6, 5);
            assertArrayEquals(new long[]{31, 3}, big.shape());
            assertArrayEquals(new float[]{5, 5, 5}, big.narrow(0, 0, 1).toFloatArray());
            for (float v : big.narrow(0, 1, 30).toFloatArray()) assertEquals(2.0f, v, 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> PositionalEmbedding.resize(Torch.zeros(DType.F32, 15, 3), 4, 4));
        }
    }

    /** With one token, attention is out_proj(v_proj(x)): the block can be written out by hand. */
    @Test void residualBlockMatchesItsFormulaWithBothActivations() {
        for (boolean quick : new boolean[]{true, false}) {
            try (ParameterStore store = new ParameterStore(); Scope s = Scope.open()) {
                var block = new ResidualAttentionBlock(store, "b", 8, 2, quick);
                Torch.manualSeed(3);
                Map<String, Tensor> sd = new LinkedHashMap<>();
                store.shapes().forEach((k, shape) -> sd.put(k, Torch.randn(shape, DType.F64, Device.CPU)));
                store.load(sd, true);
                Tensor x = Torch.randn(new long[]{3, 1, 8}, DType.F64, Device.CPU);
                Tensor ln1 = F.layerNorm(x, new long[]{8}, sd.get("b.ln_1.weight"), sd.get("b.ln_1.bias"), 1e-5);
                Tensor wv = sd.get("b.attn.in_proj_weight").narrow(0, 16, 8), bv = sd.get("b.attn.in_proj_bias").narrow(0, 16, 8);
                Tensor h = x.add(F.linear(F.linear(ln1, wv, bv), sd.get("b.attn.out_proj.weight"), sd.get("b.attn.out_proj.bias")));
                Tensor ln2 = F.layerNorm(h, new long[]{8}, sd.get("b.ln_2.weight"), sd.get("b.ln_2.bias"), 1e-5);
                Tensor fc = F.linear(ln2, sd.get("b.mlp.c_fc.weight"), sd.get("b.mlp.c_fc.bias"));
                Tensor act = quick ? fc.mul(fc.mul(1.702).sigmoid()) : fc.mul(dev.jclip.torch.Ops.erf(fc.div(Math.sqrt(2))).add(1.0)).mul(0.5);
                Tensor expected = h.add(F.linear(act, sd.get("b.mlp.c_proj.weight"), sd.get("b.mlp.c_proj.bias")));
                Fixtures.assertClose(quick ? "quick_gelu block" : "gelu block", expected, block.forward(x, true), 1e-12);
                assertNotEquals(0, store.parameterCount());
            }
        }
    }
}
