package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipInitializerTest {
    static final ClipArchitecture VIT = ClipArchitecture.vit(32, 32, 2, 64, 4, 77, 500, 64, 1, 3);
    static final ClipArchitecture RESNET = ClipArchitecture.resnet(16, 64, new int[]{1, 2, 1, 1}, 4, 77, 96, 64, 1, 1);

    private static double std(Tensor t) {
        double[] v = t.toDoubleArray();
        double m = 0, q = 0;
        for (double x : v) m += x;
        m /= v.length;
        for (double x : v) q += (x - m) * (x - m);
        return Math.sqrt(q / v.length);
    }

    @Test void referenceDistributionsAndConstants() {
        try (ClipModel m = ClipModel.initialized(VIT, 1, DType.F32, Device.CPU); Scope s = Scope.open()) {
            assertTrue(m.store().isComplete());
            Map<String, Tensor> sd = m.stateDict();
            assertEquals(Math.log(1 / 0.07), sd.get("logit_scale").item(), 1e-6);
            assertEquals(0.02, std(sd.get("token_embedding.weight")), 0.002);
            assertEquals(0.01, std(sd.get("positional_embedding")), 0.001);
            assertEquals(Math.pow(64, -0.5), std(sd.get("transformer.resblocks.0.attn.in_proj_weight")), 0.005);
            assertEquals(Math.pow(64, -0.5) / Math.sqrt(6), std(sd.get("transformer.resblocks.0.mlp.c_proj.weight")), 0.003);
            assertEquals(Math.pow(128, -0.5), std(sd.get("transformer.resblocks.2.mlp.c_fc.weight")), 0.005);
            assertEquals(0.125, std(sd.get("visual.positional_embedding")), 0.01);
            // PyTorch defaults where CLIP does not override them
            double xavier = Math.sqrt(6.0 / (64 + 192)) / Math.sqrt(3);    // std of U(-b, b) = b / sqrt(3)
            assertEquals(xavier, std(sd.get("visual.transformer.resblocks.0.attn.in_proj_weight")), 0.01);
            assertEquals(1.0, sd.get("ln_final.weight").min().item());
            assertEquals(0.0, sd.get("visual.transformer.resblocks.1.attn.in_proj_bias").abs().max().item());
            double bound = 1 / Math.sqrt(256);
            assertTrue(sd.get("visual.transformer.resblocks.0.mlp.c_proj.bias").abs().max().item() <= bound);
        }
        try (ClipModel m = ClipModel.initialized(RESNET, 1, DType.F32, Device.CPU); Scope s = Scope.open()) {
            Map<String, Tensor> sd = m.stateDict();
            assertEquals(0.0, sd.get("visual.layer2.1.bn3.weight").abs().max().item());
            assertEquals(1.0, sd.get("visual.layer2.1.bn3.running_var").min().item());
            assertEquals(0L, sd.get("visual.bn1.num_batches_tracked").itemLong());
            assertEquals(DType.I64, sd.get("visual.bn1.num_batches_tracked").dtype());
            assertEquals(Math.pow(128, -0.5), std(sd.get("visual.attnpool.q_proj.weight")), 0.01);
        }
    }

    @Test void sameSeedSameWeightsAndTheModelRuns() {
        try (ClipModel a = ClipModel.initialized(RESNET, 5, DType.F32, Device.CPU);
             ClipModel b = ClipModel.initialized(RESNET, 5, DType.F32, Device.CPU);
             ClipModel c = ClipModel.initialized(RESNET, 6, DType.F32, Device.CPU); Scope s = Scope.open()) {
            for (String k : a.stateDict().keySet()) {
                assertArrayEquals(a.stateDict().get(k).toDoubleArray(), b.stateDict().get(k).toDoubleArray(), k);
            }
            assertFalse(java.util.Arrays.equals(a.stateDict().get("visual.conv1.weight").toDoubleArray(),
                    c.stateDict().get("visual.conv1.weight").toDoubleArray()));
            Tensor tokens = Torch.randint(0, 96, new long[]{2, 77}, DType.I64, Device.CPU);
            Tensor images = Torch.randn(new long[]{2, 3, 64, 64}, DType.F32, Device.CPU);
            ClipLogits out = a.forward(images, tokens);
            assertArrayEquals(new long[]{2, 2}, out.logitsPerImage().shape());
            assertTrue(out.logitsPerImage().isfinite().all().itemBool());
        }
    }
}
