package dev.jclip.train;

import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipLossTest {
    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    /** The loss written out in plain Java doubles: normalize, scale, softmax rows and columns. */
    private static double reference(double[] img, double[] txt, int b, int d, double logScale, double smoothing) {
        double[][] a = normRows(img, b, d), t = normRows(txt, b, d);
        double scale = Math.min(Math.exp(logScale), 100.0);
        double[][] logits = new double[b][b];
        for (int i = 0; i < b; i++) for (int j = 0; j < b; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += a[i][k] * t[j][k];
            logits[i][j] = scale * s;
        }
        double rows = 0, cols = 0;
        for (int i = 0; i < b; i++) {
            double[] row = new double[b], col = new double[b];
            for (int j = 0; j < b; j++) { row[j] = logits[i][j]; col[j] = logits[j][i]; }
            rows += ce(row, i, smoothing);
            cols += ce(col, i, smoothing);
        }
        return (rows / b + cols / b) / 2;
    }

    private static double ce(double[] z, int target, double eps) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        for (double v : z) sum += Math.exp(v - max);
        double lse = max + Math.log(sum);
        double nll = lse - z[target], uniform = 0;
        for (double v : z) uniform += lse - v;
        return (1 - eps) * nll + eps * uniform / z.length;
    }

    private static double[][] normRows(double[] v, int b, int d) {
        double[][] out = new double[b][d];
        for (int i = 0; i < b; i++) {
            double n = 0;
            for (int k = 0; k < d; k++) n += v[i * d + k] * v[i * d + k];
            n = Math.sqrt(n);
            for (int k = 0; k < d; k++) out[i][k] = v[i * d + k] / n;
        }
        return out;
    }

    @Test void matchesHandWrittenLossWithAndWithoutSmoothing() {
        int b = 6, d = 5;
        double[] img = random(b * d, 1), txt = random(b * d, 2);
        for (double smoothing : new double[]{0.0, 0.1}) {
            try (Scope s = Scope.open()) {
                Tensor scale = Torch.scalar(Math.log(1 / 0.07));
                double got = new ClipLoss(smoothing).loss(Torch.of(img, b, d), Torch.of(txt, b, d), scale).loss().item();
                assertEquals(reference(img, txt, b, d, Math.log(1 / 0.07), smoothing), got, 1e-12, "smoothing " + smoothing);
            }
        }
    }

    @Test void scaleIsCappedAtOneHundred() {
        int b = 4, d = 3;
        double[] img = random(b * d, 3), txt = random(b * d, 4);
        try (Scope s = Scope.open()) {
            ClipLoss fn = new ClipLoss();
            double at100 = fn.loss(Torch.of(img, b, d), Torch.of(txt, b, d), Torch.scalar(Math.log(100))).loss().item();
            double at1000 = fn.loss(Torch.of(img, b, d), Torch.of(txt, b, d), Torch.scalar(Math.log(1000))).loss().item();
            assertEquals(at100, at1000, 1e-12);
            assertEquals(dev.jclip.torch.DType.F64, fn.loss(Torch.of(img, b, d), Torch.of(txt, b, d), Torch.scalar(1.0)).loss().dtype());
            try (Tensor f = Torch.of(img, b, d).to(dev.jclip.torch.DType.F32); Tensor g = Torch.of(txt, b, d).to(dev.jclip.torch.DType.F32);
                 Tensor sc = Torch.scalar(1.0).to(dev.jclip.torch.DType.F32)) {
                assertEquals(dev.jclip.torch.DType.F32, fn.loss(f, g, sc).loss().dtype(), "the loss keeps the features' dtype");
            }
            assertEquals(reference(img, txt, b, d, Math.log(1000), 0), at1000, 1e-10);
        }
    }

    @Test void logitsPerTextIsTheTranspose() {
        try (Scope s = Scope.open()) {
            ClipLoss.Output o = new ClipLoss().loss(Torch.of(random(12, 5), 4, 3), Torch.of(random(12, 6), 4, 3), Torch.scalar(2.0));
            assertTrue(o.logitsPerText().eq(o.logitsPerImage().t()).all().itemBool());
        }
    }

    /** open_clip's local loss: the mean over ranks of each rank's gathered loss is the single-process loss. */
    @Test void gatheredVariantAveragesToTheFullBatchLoss() {
        int b = 8, d = 4, world = 2, local = b / world;
        try (Scope s = Scope.open()) {
            ClipLoss fn = new ClipLoss(0.05);
            Tensor img = Torch.of(random(b * d, 7), b, d).normalize(1), txt = Torch.of(random(b * d, 8), b, d).normalize(1);
            Tensor scale = Torch.scalar(3.0);
            double full = fn.lossNormalized(img, txt, scale).loss().item();
            double sum = 0;
            for (int r = 0; r < world; r++) {
                sum += fn.lossGathered(img.narrow(0, r * local, local), txt.narrow(0, r * local, local), img, txt, r, scale).loss().item();
            }
            assertEquals(full, sum / world, 1e-12);
        }
    }

    @Test void badShapesAreNamed() {
        try (Scope s = Scope.open()) {
            ClipLoss fn = new ClipLoss();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> fn.loss(Torch.of(random(12, 1), 4, 3), Torch.of(random(10, 1), 5, 2), Torch.scalar(1.0)));
            assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[5, 2]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> fn.lossGathered(Torch.of(random(12, 1), 4, 3), Torch.of(random(12, 1), 4, 3),
                    Torch.of(random(12, 1), 4, 3), Torch.of(random(12, 1), 4, 3), 1, Torch.scalar(1.0)));
            assertThrows(IllegalArgumentException.class, () -> new ClipLoss(1.0));
        }
    }
}
