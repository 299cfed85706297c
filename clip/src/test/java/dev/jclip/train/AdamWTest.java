package dev.jclip.train;

import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {
    /** PyTorch's AdamW update written out in doubles. */
    private static void reference(double[] p, double[] g, double[] m, double[] v, int t, double lr, AdamW.Options o, double wd) {
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = o.beta1() * m[i] + (1 - o.beta1()) * g[i];
            v[i] = o.beta2() * v[i] + (1 - o.beta2()) * g[i] * g[i];
            double mh = m[i] / (1 - Math.pow(o.beta1(), t)), vh = v[i] / (1 - Math.pow(o.beta2(), t));
            p[i] -= lr * mh / (Math.sqrt(vh) + o.eps());
        }
    }

    @Test void fusedStepsMatchTheFormulaWithDecayOnlyOnMatrices() {
        double[] w0 = {0.5, -1.0, 2.0, 0.25}, b0 = {0.1, -0.2};
        double[][] grads = {{0.3, -0.1, 0.2, 1.0}, {-0.5, 0.4, 0.0, 0.2}, {1.5, 0.1, -0.3, -0.2}};
        double[][] bgrads = {{1.0, -1.0}, {0.5, 0.5}, {-0.1, 0.2}};
        AdamW.Options o = AdamW.Options.clip();
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("visual.proj", Torch.of(w0.clone(), 2, 2).requiresGrad(true));
        params.put("visual.ln_post.bias", Torch.of(b0.clone(), 2).requiresGrad(true));
        double[] w = w0.clone(), b = b0.clone(), mw = new double[4], vw = new double[4], mb = new double[2], vb = new double[2];
        try (AdamW opt = new AdamW(params, o)) {
            assertEquals(List.of("visual.proj"), opt.decayed());
            for (int t = 1; t <= 3; t++) {
                double lr = 0.01 * t;
                try (Scope s = Scope.open()) {
                    params.get("visual.proj").setGrad(Torch.of(grads[t - 1], 2, 2));
                    params.get("visual.ln_post.bias").setGrad(Torch.of(bgrads[t - 1], 2));
                }
                opt.step(lr);
                opt.zeroGrad();
                reference(w, grads[t - 1], mw, vw, t, lr, o, o.weightDecay());
                reference(b, bgrads[t - 1], mb, vb, t, lr, o, 0.0);
            }
            assertArrayEquals(w, params.get("visual.proj").toDoubleArray(), 1e-12);
            assertArrayEquals(b, params.get("visual.ln_post.bias").toDoubleArray(), 1e-12);
            assertEquals(3.0, opt.state().get("step.visual.proj").item());
        }
    }

    @Test void zeroDimParameterIsUpdated() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("logit_scale", Torch.full(new long[]{}, 2.0, DType.F32, dev.jclip.torch.Device.CPU).requiresGrad(true));
        try (AdamW opt = new AdamW(params, AdamW.Options.clip()); Scope s = Scope.open()) {
            params.get("logit_scale").setGrad(Torch.full(new long[]{}, 0.5, DType.F32, dev.jclip.torch.Device.CPU));
            opt.step(0.1);
            double v = params.get("logit_scale").item();
            assertTrue(Double.isFinite(v), "logit_scale became " + v);
            assertEquals(2.0 - 0.1, v, 1e-5);
        }
    }

    @Test void decayRule() {
        try (Scope s = Scope.open()) {
            Tensor m = Torch.zeros(DType.F32, 2, 2), v = Torch.zeros(DType.F32, 2), z = Torch.zeros(DType.F32);
            assertTrue(AdamW.decays("transformer.resblocks.0.attn.in_proj_weight", m));
            assertFalse(AdamW.decays("transformer.resblocks.0.attn.in_proj_bias", v));
            assertFalse(AdamW.decays("ln_final.weight", v));
            assertFalse(AdamW.decays("token_embedding.weight", m));
            assertFalse(AdamW.decays("positional_embedding", m));
            assertFalse(AdamW.decays("logit_scale", z));
        }
    }

    @Test void scheduleWarmsUpThenFollowsTheCosine() {
        CosineSchedule c = new CosineSchedule(1.0, 4, 14);
        assertEquals(0.25, c.at(0));
        assertEquals(1.0, c.at(3));
        assertEquals(1.0, c.at(4));
        assertEquals(0.5, c.at(9), 1e-12);
        assertEquals(0.0, c.at(14));
    }

    @Test void aProgressFloorFromATimeBudgetAnnealsEarlier() {
        CosineSchedule c = new CosineSchedule(1.0, 4, 14);
        assertEquals(0.25, c.at(0, 0.9), "warm-up ignores the floor");
        assertEquals(c.at(9), c.at(9, 0.3), 0.0, "a floor below the step progress (0.5) changes nothing");
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.75)), c.at(9, 0.75), 1e-12);
        assertEquals(0.0, c.at(5, 1.0), "time used up: lr 0");
    }

    @Test void clipScalesToTheMaxNorm() {
        try (Scope s = Scope.open()) {
            Tensor a = Torch.of(new double[]{3, 0}, 2), b = Torch.of(new double[]{0, 4}, 2);
            double before = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
            assertEquals(5.0, before, 1e-12);
            assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-6);
            assertArrayEquals(new double[]{0.6, 0}, a.toDoubleArray(), 1e-6);
            assertEquals(1.0, GradClip.clipGlobalNorm(List.of(a, b), 2.0), 1e-6, "below the max: untouched");
            assertArrayEquals(new double[]{0, 0.8}, b.toDoubleArray(), 1e-6);
        }
    }
}
