#!/usr/bin/env python3
"""PyTorch eager reference for scripts/gpu-check: the same CLIP, weights, inputs and op sequence
as jclip's bench phase (dev.jclip.samples.gpu.BenchCheck), measured the same way.

    python3 scripts/gpu/torch_ref.py PLAN.json OUT.json

PLAN.json (written by the Java side) names the weights and inputs (safetensors, read here without
the safetensors package), the device, batch sizes, iterations and FLOPs per sample. The model
mirrors jclip's modules and openai/CLIP's model.py: batch-first residual blocks with fused in-proj
and scaled_dot_product_attention (causal for text), QuickGELU, LayerNorm in float32 for half
inputs, EOT pooling; the loss is CLIP's symmetric cross entropy with exp(logit_scale) capped at 100;
training = autocast forward, float32 loss, backward (scaled for fp16 by torch.amp.GradScaler),
unscale, clip_grad_norm_(1.0), fused AdamW (betas 0.9/0.98, eps 1e-6, decay 0.2 on matrices except
embeddings), zero_grad(set_to_none=True). Inputs are copied from pinned host memory every step.
"""
import json
import struct
import sys
import time

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool, "I8": torch.int8, "I16": torch.int16}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        t = torch.frombuffer(bytearray(blob[b:e]), dtype=DTYPES[v["dtype"]]) if e > b else torch.empty(0, dtype=DTYPES[v["dtype"]])
        out[k] = t.reshape(v["shape"]).clone()
    return out


def sdpa(q, k, v, causal):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    # PyTorch < 2.0 (only to exercise this script on an old CPU install): the same math, unfused
    s = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if causal:
        l = q.shape[-2]
        s = s.masked_fill(torch.ones(l, l, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
    return s.softmax(-1) @ v


def grad_scaler(dev, enabled):
    if hasattr(torch, "amp") and hasattr(torch.amp, "GradScaler"):
        return torch.amp.GradScaler(dev.type, enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled and dev.type == "cuda")


class LayerNorm(torch.nn.LayerNorm):
    def forward(self, x):
        t = x.dtype
        return F.layer_norm(x.float(), self.normalized_shape, self.weight.float(), self.bias.float(), 1e-5).to(t)


class Block(torch.nn.Module):
    def __init__(self, w, heads, causal):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.attn = torch.nn.Module()
        self.attn.in_proj_weight = torch.nn.Parameter(torch.empty(3 * w, w))
        self.attn.in_proj_bias = torch.nn.Parameter(torch.empty(3 * w))
        self.attn.out_proj = torch.nn.Linear(w, w)
        self.ln_1, self.ln_2 = LayerNorm(w), LayerNorm(w)
        self.mlp = torch.nn.Module()
        self.mlp.c_fc, self.mlp.c_proj = torch.nn.Linear(w, 4 * w), torch.nn.Linear(4 * w, w)

    def forward(self, x):
        n, l, w = x.shape
        q, k, v = F.linear(self.ln_1(x), self.attn.in_proj_weight, self.attn.in_proj_bias).chunk(3, -1)
        split = lambda t: t.reshape(n, l, self.heads, w // self.heads).transpose(1, 2)
        o = sdpa(split(q), split(k), split(v), self.causal)
        x = x + self.attn.out_proj(o.transpose(1, 2).reshape(n, l, w))
        m = self.mlp.c_fc(self.ln_2(x))
        return x + self.mlp.c_proj(m * torch.sigmoid(1.702 * m))


class Transformer(torch.nn.Module):
    def __init__(self, w, layers, heads, causal):
        super().__init__()
        self.resblocks = torch.nn.ModuleList([Block(w, heads, causal) for _ in range(layers)])

    def forward(self, x):
        for b in self.resblocks:
            x = b(x)
        return x


class Visual(torch.nn.Module):
    def __init__(self, res, patch, w, layers, embed):
        super().__init__()
        self.w = w
        self.conv1 = torch.nn.Conv2d(3, w, patch, patch, bias=False)
        self.class_embedding = torch.nn.Parameter(torch.empty(w))
        self.positional_embedding = torch.nn.Parameter(torch.empty((res // patch) ** 2 + 1, w))
        self.ln_pre, self.ln_post = LayerNorm(w), LayerNorm(w)
        self.transformer = Transformer(w, layers, w // 64, False)
        self.proj = torch.nn.Parameter(torch.empty(w, embed))

    def forward(self, x):
        x = self.conv1(x.to(self.conv1.weight.dtype))
        n = x.shape[0]
        x = x.reshape(n, self.w, -1).permute(0, 2, 1)
        x = torch.cat([self.class_embedding.to(x.dtype).reshape(1, 1, self.w).expand(n, 1, self.w), x], 1)
        x = self.ln_pre(x + self.positional_embedding.to(x.dtype))
        x = self.transformer(x)
        return self.ln_post(x[:, 0]) @ self.proj


class Clip(torch.nn.Module):
    def __init__(self, a):
        super().__init__()
        v, t = a["vision_cfg"], a["text_cfg"]
        e = a["embed_dim"]
        self.visual = Visual(v["image_size"], v["patch_size"], v["width"], v["layers"], e)
        self.transformer = Transformer(t["width"], t["layers"], t["heads"], True)
        self.token_embedding = torch.nn.Embedding(t["vocab_size"], t["width"])
        self.positional_embedding = torch.nn.Parameter(torch.empty(t["context_length"], t["width"]))
        self.ln_final = LayerNorm(t["width"])
        self.text_projection = torch.nn.Parameter(torch.empty(t["width"], e))
        self.logit_scale = torch.nn.Parameter(torch.empty(()))

    def encode_image(self, x):
        return self.visual(x)

    def encode_text(self, ids):
        dt = self.visual.conv1.weight.dtype
        x = self.token_embedding(ids).to(dt) + self.positional_embedding.to(dt)
        x = self.ln_final(self.transformer(x)).to(dt)
        return x[torch.arange(x.shape[0], device=x.device), ids.argmax(-1)] @ self.text_projection


def clip_loss(img, txt, logit_scale):
    img, txt = F.normalize(img, dim=1), F.normalize(txt, dim=1)
    scale = logit_scale.exp().clamp(max=100.0)
    labels = torch.arange(img.shape[0], device=img.device)
    return 0.5 * (F.cross_entropy(img @ txt.t() * scale, labels) + F.cross_entropy(txt @ img.t() * scale, labels))


def decays(name, p):
    n = name.lower()
    return p.dim() >= 2 and not ("bias" in n or "logit_scale" in n or "embedding" in n)


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def timed(dev, fn, warm, iters, mem):
    for _ in range(warm):
        fn()
    total, used = 0.0, 0
    for _ in range(iters):
        sync(dev)
        t = time.perf_counter()
        fn()
        sync(dev)
        total += time.perf_counter() - t
        if dev.type == "cuda":
            free, tot = torch.cuda.mem_get_info(dev)
            used = max(used, tot - free)
    if dev.type == "cuda":
        mem["device_mem_used_gib"] = round(used / 2 ** 30, 2)
    return total / iters * 1e3


def sig(v):
    return float("%.3g" % v)


def matmul_peak(dev, dt, n, iters):
    try:
        return _matmul_peak(dev, dt, n, iters)
    except Exception as e:  # e.g. no float16 matmul on an old CPU build
        print("matmul peak %s: %s" % (dt, str(e).splitlines()[0]), flush=True)
        return None


def _matmul_peak(dev, dt, n, iters):
    a, b = torch.randn(n, n, device=dev).to(dt), torch.randn(n, n, device=dev).to(dt)
    for _ in range(3):
        a @ b
    sync(dev)
    t = time.perf_counter()
    for _ in range(iters):
        a @ b
    sync(dev)
    return sig(2.0 * n ** 3 * iters / (time.perf_counter() - t) / 1e12)


AMP = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: torch_ref.py PLAN.json OUT.json")
    plan = json.load(open(argv[1]))
    dev = torch.device(plan["device"])
    gpu = dev.type == "cuda"
    torch.backends.cuda.matmul.allow_tf32 = False   # PyTorch's default, and jclip's setting
    torch.backends.cudnn.allow_tf32 = False          # jclip turns it off too (Cuda.allowTf32)
    arch = plan["architecture"]
    weights, inputs = read_safetensors(plan["weights"]), read_safetensors(plan["inputs"])
    images, tokens = inputs["images"].pin_memory() if gpu else inputs["images"], inputs["tokens"].pin_memory() if gpu else inputs["tokens"]
    warm, iters, fps = plan["warmup"], plan["iters"], plan["flops_per_sample_forward"]
    out = {"torch": torch.__version__, "torch_file": torch.__file__, "device": str(dev),
           "cuda": torch.version.cuda, "gpu": torch.cuda.get_device_name(dev) if gpu else "cpu", "rows": []}
    n = 8192 if gpu else 512
    out["matmul_peak_tflops"] = {name: matmul_peak(dev, dt, n, 20 if gpu else 3)
                                 for name, dt in (("bfloat16", torch.bfloat16), ("float16", torch.float16), ("float32", torch.float32))}
    peak = out["matmul_peak_tflops"]

    def model():
        m = Clip(arch)
        missing, unexpected = m.load_state_dict(weights, strict=False)
        if missing or [k for k in unexpected if k not in ("input_resolution", "context_length", "vocab_size")]:
            sys.exit("torch_ref: weights do not fit the model: missing %s, unexpected %s" % (missing, unexpected))
        return m.to(dev)

    def row(what, prec, b, ms, flops, mem, **extra):
        dt = "float32" if prec == "fp32" else ("bfloat16" if prec == "bf16" else "float16")
        tf = flops / (ms / 1e3) / 1e12
        r = {"workload": what, "precision": prec, "batch": b, "ms_per_step": round(ms, 3), "samples_per_s": round(b / (ms / 1e3), 1),
             "tflops": sig(tf), "mfu": sig(tf / peak[dt]) if peak.get(dt) else None}
        r.update(mem)
        r.update(extra)
        print("torch %-9s %-4s B=%-3d %9.2f ms/step %9.1f samples/s  MFU %s" % (what, prec, b, ms, r["samples_per_s"], r["mfu"]), flush=True)
        out["rows"].append(r)

    def failed(what, prec, b, e):
        print("torch %-9s %-4s B=%-3d failed: %s" % (what, prec, b, str(e).splitlines()[0] if str(e) else type(e).__name__), flush=True)
        out["rows"].append({"workload": what, "precision": prec, "batch": b, "error": str(e).splitlines()[0][:300] if str(e) else type(e).__name__})

    m = model().eval()
    b = plan["infer_batch"]
    for prec in ("fp32", "bf16", "fp16"):
        def step():
            with torch.no_grad(), torch.autocast(dev.type, dtype=AMP[prec], enabled=AMP[prec] is not None):
                x = images[:b].to(dev, non_blocking=True)
                t = tokens[:b].to(dev, non_blocking=True)
                m.encode_image(x)
                m.encode_text(t)
        mem = {}
        try:
            ms = timed(dev, step, warm, iters, mem)
            row("inference", prec, b, ms, fps * b, mem)
        except Exception as e:  # one configuration this PyTorch cannot run must not lose the others
            failed("inference", prec, b, e)
    del m

    for b in plan["train_batches"]:
        for prec in ("bf16", "fp16", "fp32"):
            m = model().train()
            groups = [{"params": [p for k, p in m.named_parameters() if decays(k, p)], "weight_decay": plan["weight_decay"]},
                      {"params": [p for k, p in m.named_parameters() if not decays(k, p)], "weight_decay": 0.0}]
            kw = {"fused": True} if gpu else {}
            opt = torch.optim.AdamW(groups, lr=plan["lr"], betas=(0.9, 0.98), eps=1e-6, **kw)
            scaler = grad_scaler(dev, prec == "fp16")
            first = {}

            def step():
                x = images[:b].to(dev, non_blocking=True)
                t = tokens[:b].to(dev, non_blocking=True)
                # jclip's Trainer computes the loss inside the autocast region too, then casts it
                with torch.autocast(dev.type, dtype=AMP[prec], enabled=AMP[prec] is not None):
                    loss = clip_loss(m.encode_image(x), m.encode_text(t), m.logit_scale)
                loss = loss.float()
                if not first:
                    first["loss"] = loss.item()
                scaler.scale(loss).backward()
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_(m.parameters(), plan["grad_clip"])
                scaler.step(opt)
                scaler.update()
                opt.zero_grad(set_to_none=True)
            mem = {}
            try:
                ms = timed(dev, step, warm, iters, mem)
                row("train", prec, b, ms, 3.0 * fps * b, mem, first_step_loss=first.get("loss"))
            except Exception as e:
                failed("train", prec, b, e)
            del m, opt
            if gpu:
                torch.cuda.empty_cache()
    with open(argv[2], "w") as f:
        json.dump(out, f, indent=2)


if __name__ == "__main__":
    main(sys.argv)
