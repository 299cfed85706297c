package dev.jclip.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The CPU model and its vector extensions, from {@code /proc/cpuinfo} (Linux); for reports and benchmarks. */
final class CpuInfo {
    private CpuInfo() {}

    /** e.g. {@code "AMD EPYC, 2 logical CPUs, avx2 avx512f avx512bw avx512_bf16"}, and any oneDNN ISA cap from the environment. */
    static String describe() {
        int n = Runtime.getRuntime().availableProcessors();
        String model = null;
        Set<String> flags = Set.of();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
                if (model == null && key.equals("model name")) model = value;
                if (flags.isEmpty() && key.equals("flags")) flags = Set.of(value.split("\\s+"));
                if (model != null && !flags.isEmpty()) break;
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch") + ", " + n + " logical CPUs";
        }
        List<String> isa = new ArrayList<>();
        for (String f : new String[]{"avx2", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile"}) {
            if (flags.contains(f)) isa.add(f);
        }
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (cap == null || cap.isBlank()) cap = System.getenv("DNNL_MAX_CPU_ISA");
        return (model != null ? model : System.getProperty("os.arch")) + ", " + n + " logical CPUs"
                + (isa.isEmpty() ? "" : ", " + String.join(" ", isa))
                + (cap == null || cap.isBlank() ? "" : "; oneDNN capped at " + cap + " (ONEDNN_MAX_CPU_ISA)");
    }
}
