package dev.jclip.train;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Autograd's gradient of the contrastive loss against central finite differences, in float64. */
class GradCheckTest {
    @Test void lossGradientMatchesFiniteDifferences() {
        int b = 4, pixels = 3 * 2 * 2, vocab = 11, context = 5;
        try (TinyModel m = new TinyModel(pixels, vocab, 6, 5, DType.F64, 3); Scope s = Scope.open()) {
            Torch.manualSeed(9);
            Tensor images = Torch.randn(new long[]{b, 3, 2, 2}, DType.F64, Device.CPU);
            Tensor tokens = TinyModel.tokenize(List.of("red", "blue ball", "a cat", "sky"), context, vocab);
            ClipLoss fn = new ClipLoss(0.1);
            fn.loss(m.encodeImage(images), m.encodeText(tokens), m.logitScale()).loss().backward();
            double h = 1e-6;
            int checked = 0;
            for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
                Tensor p = e.getValue();
                double[] grad = p.grad().toDoubleArray();
                long n = p.numel();
                // A few entries per parameter, spread over the tensor.
                for (long k = 0; k < n; k += Math.max(1, n / 5)) {
                    double plus, minus;
                    try (var ng = Torch.noGrad(); Scope in = Scope.open()) {
                        Tensor flat = p.view(-1);
                        double v = flat.select(0, k).item();
                        flat.select(0, k).fill_(v + h);
                        plus = fn.loss(m.encodeImage(images), m.encodeText(tokens), m.logitScale()).loss().item();
                        flat.select(0, k).fill_(v - h);
                        minus = fn.loss(m.encodeImage(images), m.encodeText(tokens), m.logitScale()).loss().item();
                        flat.select(0, k).fill_(v);
                    }
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(numeric, grad[(int) k], 1e-7 + 1e-6 * Math.abs(numeric), e.getKey() + "[" + k + "]");
                    checked++;
                }
            }
            assertEquals(true, checked >= 20, "checked " + checked);
        }
    }
}
