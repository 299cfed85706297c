package dev.jclip.train;

import dev.jclip.data.DataLoader;
import dev.jclip.torch.Cuda;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Optimizer and loss-scaler state live on the parameters' device (the CUDA fused AdamW and AMP
 * kernels refuse CPU tensors), there is one step count per group, the scaler's verdict reaches
 * AdamW on the device, and a step that reads nothing back equals one that reads everything.
 */
class DeviceStateTest {
    /** The devices to check: the CPU always, cuda:0 where a GPU is visible. */
    static List<Device> devices() {
        return Cuda.isAvailable() ? List.of(Device.CPU, Device.cuda(0)) : List.of(Device.CPU);
    }

    static Map<String, Tensor> params(Device d) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", Torch.ones(new long[]{3, 2}, DType.F32, d).requiresGrad(true).persist());
        p.put("b", Torch.ones(new long[]{2}, DType.F32, d).requiresGrad(true).persist());
        return p;
    }

    @Test void adamStateAndScalerStateAreOnTheParametersDevice() {
        for (Device d : devices()) {
            Map<String, Tensor> p = params(d);
            try (AdamW opt = new AdamW(p, AdamW.Options.clip()); GradScaler sc = new GradScaler(d)) {
                assertEquals(d, opt.device());
                for (var e : opt.state().entrySet()) assertEquals(d, e.getValue().device(), e.getKey());
                assertEquals(d, sc.device());
                for (var e : sc.state().entrySet()) assertEquals(d, e.getValue().device(), e.getKey());
                assertEquals(d, sc.foundInf().device());
                // one step count per group (w decays, b does not)
                assertNotSame(opt.state().get("step.w"), opt.state().get("step.b"));
            } finally {
                p.values().forEach(Tensor::close);
            }
        }
    }

    @Test void parametersOnTwoDevicesAreRefused() {
        if (!Cuda.isAvailable()) return;
        Map<String, Tensor> p = params(Device.CPU);
        p.put("c", Torch.ones(new long[]{2, 2}, DType.F32, Device.cuda(0)).persist());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdamW(p, AdamW.Options.clip()));
        assertTrue(e.getMessage().contains("one device"), e.getMessage());
        p.values().forEach(Tensor::close);
    }

    @Test void scalerMovesWithTheTrainerAndChecksGradientDevices() {
        try (GradScaler sc = new GradScaler(8, 2, 0.5, 2000)) {
            assertSame(sc, sc.to(Device.CPU));
            assertEquals(Device.CPU, sc.device());
            assertEquals(8.0, sc.scale());
            if (Cuda.isAvailable()) {
                sc.to(Device.cuda(0));
                assertEquals(Device.cuda(0), sc.state().get("scale").device());
                assertEquals(8.0, sc.scale());
                try (Scope s = Scope.open()) {
                    Tensor g = Torch.ones(new long[]{2}, DType.F32, Device.CPU);
                    assertThrows(IllegalArgumentException.class, () -> sc.unscaleAsync(List.of(g)));
                }
            }
        }
    }

    @Test void foundInfSkipsTheUpdateOnTheDeviceAndTakesTheStepCountBack() {
        for (Device d : devices()) {
            Map<String, Tensor> p = params(d);
            try (AdamW opt = new AdamW(p, AdamW.Options.clip()); GradScaler sc = new GradScaler(4, 2, 0.5, 2000, d); Scope s = Scope.open()) {
                p.get("w").setGrad(Torch.full(new long[]{3, 2}, Double.POSITIVE_INFINITY, DType.F32, d));
                p.get("b").setGrad(Torch.ones(new long[]{2}, DType.F32, d));
                Tensor found = sc.unscaleAsync(opt.grads().values());
                opt.step(1e-2, found);
                assertEquals(1.0, found.item());
                assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1}, p.get("w").toFloatArray(), "skipped on " + d);
                assertArrayEquals(new float[]{1, 1}, p.get("b").toFloatArray(), "skipped on " + d);
                assertEquals(0.0, opt.state().get("step.w").item(), "step count taken back");
                sc.update();
                assertEquals(2.0, sc.scale(), "overflow halves the scale");
                // a clean step updates and counts once per group
                p.get("w").setGrad(Torch.ones(new long[]{3, 2}, DType.F32, d));
                p.get("b").setGrad(Torch.ones(new long[]{2}, DType.F32, d));
                opt.step(1e-2, sc.unscaleAsync(opt.grads().values()));
                assertEquals(1.0, opt.state().get("step.w").item());
                assertEquals(1.0, opt.state().get("step.b").item());
                assertTrue(p.get("w").toFloatArray()[0] < 1f);
            } finally {
                p.values().forEach(Tensor::close);
            }
        }
    }

    @Test void unobservedStepsTrainExactlyLikeObservedOnes() {
        float[] a = run(true), b = run(false);
        assertArrayEquals(a, b);
    }

    private static float[] run(boolean observe) {
        try (TinyModel m = TrainerTest.model(3); Trainer tr = new Trainer(m, TrainerTest.TOK, TrainerTest.config(4).withPrecision(Precision.FP16));
             DataLoader dl = new DataLoader(TrainerTest.shapes(), DataLoader.Options.of(16, 5))) {
            for (int i = 0; i < 3; i++) {
                Trainer.StepResult r = tr.train(dl.next(), observe);
                assertEquals(observe, r.observed());
                if (!observe) assertTrue(Double.isNaN(r.loss()));
            }
            return m.params.get("visual.proj").toFloatArray();
        }
    }
}
