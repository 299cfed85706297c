#!/usr/bin/env python3
"""Merges scripts/gpu-check's phase results in OUT into OUT/report.json and OUT/report.md.

    python3 scripts/gpu/report.py OUT

Reads OUT/<phase>.status ("pass|fail|timeout|skip SECONDS"), the Java phases' OUT/<phase>.json,
and the side by side: OUT/bench.json (jclip) with OUT/torch_ref.json (PyTorch eager). The ratio is
PyTorch's ms/step over jclip's: above 1.0, jclip is faster.
"""
import glob
import json
import os
import sys

PHASES = ["env", "schemas", "tests", "parity", "train", "nccl", "bench-jclip", "bench-torch"]
JSON_OF = {"bench-jclip": "bench.json", "bench-torch": "torch_ref.json"}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main(out):
    ctx = load(os.path.join(out, "context.json")) or {}
    report = {"context": ctx, "phases": [], "side_by_side": []}
    for name in PHASES:
        st_file = os.path.join(out, name + ".status")
        if not os.path.exists(st_file):
            continue
        parts = open(st_file).read().split()
        status, secs = parts[0], (parts[1] if len(parts) > 1 else "")
        detail = load(os.path.join(out, JSON_OF.get(name, name + ".json"))) or {}
        summary = detail.get("summary", "")
        if status == "skip" and len(parts) > 1 and not secs.isdigit():
            summary = summary or secs
            secs = ""
        if name == "tests":
            summary = junit_summary(out)
        report["phases"].append({"phase": name, "status": status, "seconds": secs, "summary": summary,
                                 "failures": detail.get("failures", [])})
    jc, tr = load(os.path.join(out, "bench.json")), load(os.path.join(out, "torch_ref.json"))
    if jc:
        report["matmul_peak_tflops"] = {"jclip": jc.get("matmul_peak_tflops"), "torch": (tr or {}).get("matmul_peak_tflops")}
        trows = {(r["workload"], r["precision"], r["batch"]): r for r in (tr or {}).get("rows", [])}
        for r in jc.get("rows", []):
            t = trows.get((r["workload"], r["precision"], r["batch"]), {})
            row = {"workload": r["workload"], "precision": r["precision"], "batch": r["batch"],
                   "jclip_ms": r["ms_per_step"], "torch_ms": t.get("ms_per_step"),
                   "ratio": round(t["ms_per_step"] / r["ms_per_step"], 3) if t.get("ms_per_step") else None,
                   "jclip_samples_s": r["samples_per_s"], "torch_samples_s": t.get("samples_per_s"),
                   "jclip_mfu": r["mfu"], "torch_mfu": t.get("mfu"),
                   "jclip_mem_gib": r.get("device_mem_used_gib"), "torch_mem_gib": t.get("device_mem_used_gib"),
                   "jclip_first_loss": r.get("first_step_loss"), "torch_first_loss": t.get("first_step_loss"),
                   "torch_error": t.get("error")}
            report["side_by_side"].append(row)
        if tr:
            report["torch"] = {k: tr.get(k) for k in ("torch", "torch_file", "cuda", "gpu")}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(markdown(report))
    print(markdown(report))


def junit_summary(out):
    tests = fails = errors = skipped = 0
    for x in glob.glob(os.path.join(out, "junit", "*.xml")):
        import xml.etree.ElementTree as ET
        try:
            root = ET.parse(x).getroot()
        except ET.ParseError:
            continue
        for s in ([root] if root.tag == "testsuite" else root.iter("testsuite")):
            tests += int(s.get("tests", 0)); fails += int(s.get("failures", 0))
            errors += int(s.get("errors", 0)); skipped += int(s.get("skipped", 0))
    return "%d tests, %d failures, %d errors, %d skipped" % (tests, fails, errors, skipped) if tests else ""


def fmt(v, spec="%.2f"):
    if v is None:
        return "-"
    return spec % v if isinstance(v, (int, float)) else str(v)


def markdown(r):
    c = r["context"]
    lines = ["# jclip GPU check", "",
             "device `%s`%s, libtorch `%s`, PyTorch %s (same libtorch as jclip: %s)" % (
                 c.get("device"), " (quick)" if c.get("quick") else "", c.get("libtorch"), c.get("torch") or "none",
                 "yes" if c.get("same_libtorch") else "no"), "",
             "| phase | status | s | summary |", "| --- | --- | --- | --- |"]
    for p in r["phases"]:
        lines.append("| %s | %s | %s | %s |" % (p["phase"], p["status"], p["seconds"], p["summary"].replace("|", "/")))
        for fl in p["failures"][:10]:
            lines.append("|  | | | FAIL: %s |" % fl.replace("|", "/"))
    if r.get("side_by_side"):
        pk = r.get("matmul_peak_tflops", {})
        lines += ["", "Matmul peak (TFLOP/s, measured): jclip %s; PyTorch %s" % (pk.get("jclip"), pk.get("torch")), "",
                  "| workload | precision | B | jclip ms | PyTorch ms | ratio (PyTorch/jclip) | jclip samples/s | PyTorch samples/s "
                  "| jclip MFU | PyTorch MFU | jclip mem GiB | PyTorch mem GiB | first loss jclip / PyTorch |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for s in r["side_by_side"]:
            lines.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
                s["workload"], s["precision"], s["batch"], fmt(s["jclip_ms"]), fmt(s["torch_ms"]) if not s["torch_error"] else "error",
                fmt(s["ratio"], "%.3f"), fmt(s["jclip_samples_s"], "%.1f"), fmt(s["torch_samples_s"], "%.1f"),
                fmt(s["jclip_mfu"], "%.3f"), fmt(s["torch_mfu"], "%.3f"), fmt(s["jclip_mem_gib"]), fmt(s["torch_mem_gib"]),
                fmt(s["jclip_first_loss"], "%.5f"), fmt(s["torch_first_loss"], "%.5f")))
        lines += ["", "ratio > 1: jclip is faster. Device memory is cudaMemGetInfo's used bytes (max over the timed steps), "
                      "the same measure on both sides; it includes the caching allocator's reserve."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py OUT")
    main(sys.argv[1])
