package dev.jclip.samples.gpu;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.Autocast;
import dev.jclip.torch.Cuda;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU vs device parity: about 25 ops (forward, and backward where it matters) and a whole ViT-B/32
 * CLIP forward, float32 within 1e-4 relative (max |a - b| / max |b|), bf16 and fp16 autocast with
 * cosine similarity >= 0.999 against the float32 CPU result. TF32 is off for the float32 checks
 * (PyTorch lets cuDNN use it by default, ~1e-3 off).
 */
final class ParityCheck {
    static final double FP32_REL = 1e-4, AMP_COS = 0.999;

    private ParityCheck() {}

    static void run(GpuCheck.Ctx ctx, GpuCheck.Result r) {
        Device dev = ctx.device();
        Cuda.allowTf32(false, false);
        ArrayNode rows = r.json.putArray("ops");
        int checked = 0;
        for (var e : ops().entrySet()) {
            try (Scope s = Scope.open()) {
                Torch.manualSeed(7);
                List<Tensor> inputs = inputsFor(e.getKey());
                Tensor want = e.getValue().apply(inputs).to(DType.F32);
                List<Tensor> moved = inputs.stream().map(t -> t.to(dev)).toList();
                Tensor got = e.getValue().apply(moved).to(Device.CPU, DType.F32);
                double rel = rel(got, want);
                ObjectNode row = rows.addObject().put("op", e.getKey()).put("fp32_rel", rel);
                r.check(rel <= FP32_REL, e.getKey() + " float32 relative error " + fmt(rel) + " <= " + FP32_REL);
                checked++;
                // the same op under autocast on the device vs the float32 CPU result
                if (!e.getKey().startsWith("grad:")) {
                    for (DType amp : new DType[]{DType.BF16, DType.F16}) {
                        if (!dev.isCuda() && amp == DType.F16) continue; // CPU fp16 autocast covers few ops
                        Tensor half;
                        try (Autocast a = Torch.autocast(dev, amp)) { half = e.getValue().apply(moved); }
                        double cos = cosine(half.to(Device.CPU, DType.F32), want);
                        row.put(amp.torchName() + "_cos", cos);
                        r.check(cos >= AMP_COS, e.getKey() + " " + amp.torchName() + " autocast cosine " + fmt(cos) + " >= " + AMP_COS);
                    }
                }
            }
        }
        vit(ctx, r);
        r.json.put("summary", checked + " ops and " + (ctx.quick() ? "a 2-layer ViT-B/32" : "ViT-B/32") + " on " + dev + " vs the CPU");
    }

    /** The CLIP forward of ViT-B/32 (2 layers per tower in quick mode), same weights on both sides. */
    private static void vit(GpuCheck.Ctx ctx, GpuCheck.Result r) {
        Device dev = ctx.device();
        ClipArchitecture a = ClipArchitecture.released("ViT-B/32");
        if (ctx.quick()) a = ClipArchitecture.vit(a.embedDim(), a.imageResolution(), 2, a.visionWidth(), 32, a.contextLength(), a.vocabSize(), a.transformerWidth(), a.transformerHeads(), 2);
        int n = 4;
        try (ClipModel cpu = ClipModel.initialized(a, 11, DType.F32, Device.CPU); Scope s = Scope.open()) {
            Torch.manualSeed(3);
            Tensor img = Torch.randn(new long[]{n, 3, a.imageResolution(), a.imageResolution()}, DType.F32, Device.CPU);
            Tensor tok = BenchCheck.tokens(n, a.contextLength(), a.vocabSize());
            Tensor fi = cpu.encodeImage(img), ft = cpu.encodeText(tok);
            cpu.to(dev);
            Tensor gi = cpu.encodeImage(img.to(dev)).to(Device.CPU), gt = cpu.encodeText(tok.to(dev)).to(Device.CPU);
            double ri = rel(gi, fi), rt = rel(gt, ft);
            r.json.put("vit_image_fp32_rel", ri).put("vit_text_fp32_rel", rt);
            r.check(ri <= FP32_REL && rt <= FP32_REL, "ViT-B/32 float32 features: image " + fmt(ri) + ", text " + fmt(rt) + " <= " + FP32_REL);
            for (DType amp : dev.isCuda() ? new DType[]{DType.BF16, DType.F16} : new DType[]{DType.BF16}) {
                Tensor hi, ht;
                try (Autocast ac = Torch.autocast(dev, amp)) {
                    hi = cpu.encodeImage(img.to(dev));
                    ht = cpu.encodeText(tok.to(dev));
                }
                double ci = cosine(hi.to(Device.CPU, DType.F32), fi), ct = cosine(ht.to(Device.CPU, DType.F32), ft);
                r.json.put("vit_" + amp.torchName() + "_cos_image", ci).put("vit_" + amp.torchName() + "_cos_text", ct);
                r.check(ci >= AMP_COS && ct >= AMP_COS, "ViT-B/32 " + amp.torchName() + " autocast cosine: image " + fmt(ci) + ", text " + fmt(ct));
            }
        }
    }

    /** Op name -> function of its inputs (made by {@link #inputsFor}); "grad:" ops return an input gradient. */
    static Map<String, Function<List<Tensor>, Tensor>> ops() {
        Map<String, Function<List<Tensor>, Tensor>> m = new LinkedHashMap<>();
        m.put("mm", x -> x.get(0).mm(x.get(1)));
        m.put("bmm", x -> x.get(2).bmm(x.get(3)));
        m.put("linear", x -> F.linear(x.get(0), x.get(1), x.get(4)));
        m.put("add", x -> x.get(0).add(x.get(5)));
        m.put("mul", x -> x.get(0).mul(x.get(5)));
        m.put("div", x -> x.get(0).div(x.get(5).abs().add(1.0)));
        m.put("exp", x -> x.get(0).mul(0.1).exp());
        m.put("log", x -> x.get(0).abs().add(1.0).log());
        m.put("sqrt", x -> x.get(0).abs().sqrt());
        m.put("tanh", x -> x.get(0).tanh());
        m.put("sigmoid", x -> F.sigmoid(x.get(0)));
        m.put("gelu", x -> F.gelu(x.get(0), false));
        m.put("quick_gelu", x -> F.quickGelu(x.get(0)));
        m.put("relu", x -> F.relu(x.get(0)));
        m.put("softmax", x -> F.softmax(x.get(0), -1));
        m.put("log_softmax", x -> F.logSoftmax(x.get(0), -1));
        m.put("layer_norm", x -> F.layerNorm(x.get(0), new long[]{64}, x.get(4), x.get(4), 1e-5));
        m.put("sum", x -> x.get(0).sum(1, false));
        m.put("mean", x -> x.get(0).mean(0, false));
        m.put("norm", x -> x.get(0).norm(1, false));
        m.put("conv2d", x -> F.conv2d(x.get(6), x.get(7), null, 2, 1));
        m.put("sdpa_causal", x -> F.scaledDotProductAttention(x.get(8), x.get(9), x.get(10), null, true));
        m.put("embedding", x -> F.embedding(x.get(1), x.get(11)));
        m.put("cross_entropy", x -> F.crossEntropy(x.get(0), x.get(12), 0.1));
        m.put("cat_transpose", x -> Torch.cat(List.of(x.get(0), x.get(5)), 0).transpose(0, 1).contiguous());
        m.put("grad:linear_gelu", x -> grad(x.get(0), t -> F.gelu(F.linear(t, x.get(1), x.get(4)), false).square().mean()));
        m.put("grad:conv2d", x -> grad(x.get(6), t -> F.conv2d(t, x.get(7), null, 2, 1).square().mean()));
        m.put("grad:layer_norm_softmax", x -> grad(x.get(0), t -> F.softmax(F.layerNorm(t, new long[]{64}, x.get(4), x.get(4), 1e-5), -1).mul(x.get(5)).sum()));
        return m;
    }

    /** The shared inputs: index i of the list each op reads. */
    static List<Tensor> inputsFor(String op) {
        return List.of(
                Torch.randn(new long[]{32, 64}, DType.F32, Device.CPU),          // 0 x
                Torch.randn(new long[]{64, 64}, DType.F32, Device.CPU).mul(0.1), // 1 w
                Torch.randn(new long[]{4, 16, 32}, DType.F32, Device.CPU),       // 2
                Torch.randn(new long[]{4, 32, 8}, DType.F32, Device.CPU),        // 3
                Torch.randn(new long[]{64}, DType.F32, Device.CPU),              // 4 bias / gain
                Torch.randn(new long[]{32, 64}, DType.F32, Device.CPU),          // 5 y
                Torch.randn(new long[]{2, 8, 32, 32}, DType.F32, Device.CPU),    // 6 image
                Torch.randn(new long[]{16, 8, 3, 3}, DType.F32, Device.CPU).mul(0.2), // 7 kernel
                Torch.randn(new long[]{2, 4, 16, 32}, DType.F32, Device.CPU),    // 8 q
                Torch.randn(new long[]{2, 4, 16, 32}, DType.F32, Device.CPU),    // 9 k
                Torch.randn(new long[]{2, 4, 16, 32}, DType.F32, Device.CPU),    // 10 v
                Torch.randint(0, 64, new long[]{8, 5}, DType.I64, Device.CPU),   // 11 ids
                Torch.randint(0, 64, new long[]{32}, DType.I64, Device.CPU));    // 12 targets
    }

    private static Tensor grad(Tensor leaf, Function<Tensor, Tensor> f) {
        Tensor t = leaf.detach().requiresGrad(true);
        f.apply(t).backward();
        return t.grad();
    }

    static double rel(Tensor got, Tensor want) {
        try (Scope s = Scope.open()) {
            double den = want.abs().max().item();
            return got.sub(want).abs().max().item() / Math.max(den, 1e-12);
        }
    }

    static double cosine(Tensor a, Tensor b) {
        try (Scope s = Scope.open()) {
            Tensor x = a.flatten().to(DType.F64), y = b.flatten().to(DType.F64);
            return x.mul(y).sum().item() / Math.sqrt(x.square().sum().item() * y.square().sum().item());
        }
    }

    static String fmt(double v) { return String.format(java.util.Locale.ROOT, "%.3g", v); }
}
