package dev.jclip.samples;

import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.io.TorchZip;
import dev.jclip.io.TorchZipWriter;
import dev.jclip.torch.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code clip bench load --size-gb 1}: writes a synthetic state dict of the given size as
 * safetensors and as a {@code torch.save} zip, loads each several times and prints the load time
 * and the process's resident memory (VmRSS / RssAnon / RssFile from /proc/self/status) before
 * and after loading. Loading maps the files: no tensor byte is read until used, so RSS should
 * not grow with the file size. {@code --touch} then reads one byte per page to show the
 * mapping becoming resident. Temporary files are deleted.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Checkpoint load time and resident memory: safetensors vs torch.save zip (memory-mapped).")
public final class LoadBenchCommand implements Runnable {
    @Option(names = "--size-gb", defaultValue = "1", description = "state dict size in GiB (default ${DEFAULT-VALUE})") double sizeGb;
    @Option(names = "--tensor-mb", defaultValue = "4", description = "size of each tensor in MiB (default ${DEFAULT-VALUE})") int tensorMb;
    @Option(names = "--repeat", defaultValue = "10", description = "loads per format (default ${DEFAULT-VALUE})") int repeat;
    @Option(names = "--touch", description = "after the last load, read one byte per page and report RSS again") boolean touch;
    @Option(names = "--dir", description = "folder for the temporary files (default: java.io.tmpdir)") Path dir;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Path folder = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        Path st = null, pt = null;
        try {
            st = Files.createTempFile(folder, "jclip-bench-", ".safetensors");
            pt = Files.createTempFile(folder, "jclip-bench-", ".pt");
            long perTensor = (long) tensorMb << 20;
            int count = (int) Math.max(1, Math.round(sizeGb * (1L << 30) / perTensor));
            long t0 = System.nanoTime();
            try (Arena a = Arena.ofConfined()) {
                Map<String, TensorData> sd = new LinkedHashMap<>();
                long side = (long) Math.sqrt(perTensor / 4.0);
                for (int i = 0; i < count; i++) {
                    MemorySegment s = a.allocate(perTensor, 64);
                    s.fill((byte) (i * 31 + 7)); // distinct content per tensor; value irrelevant
                    long[] shape = side * side * 4 == perTensor ? new long[]{side, side} : new long[]{perTensor / 4};
                    sd.put("blocks." + i + ".weight", TensorData.contiguous(DType.F32, shape, s));
                }
                Safetensors.write(st, sd, Map.of("format", "pt"));
                TorchZipWriter.write(pt, sd);
            }
            out.printf("wrote %d tensors of %d MiB: safetensors %,d bytes, torch.save %,d bytes (%.1f s)%n", count, tensorMb,
                    Files.size(st), Files.size(pt), (System.nanoTime() - t0) / 1e9);
            out.println("format        load ms (min / median of " + repeat + ")   RSS before -> after load (MiB)   tensors      bytes");
            double stMin = bench(out, "safetensors", st, Safetensors::read);
            double ptMin = bench(out, "torch.save", pt, TorchZip::read);
            out.printf("torch.save / safetensors load time (min): %.2fx%n", ptMin / stMin);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            for (Path p : Arrays.asList(st, pt)) {
                try { if (p != null) Files.deleteIfExists(p); } catch (IOException ignored) { /* best effort */ }
            }
            out.flush();
        }
    }

    private double bench(PrintWriter out, String label, Path file, Function<Path, StateDict> reader) {
        double[] ms = new double[repeat];
        long[] before = null, after = null;
        long n = 0, bytes = 0;
        for (int r = 0; r < repeat; r++) {
            System.gc();
            long[] b = rss();
            long t = System.nanoTime();
            StateDict sd = reader.apply(file);
            ms[r] = (System.nanoTime() - t) / 1e6;
            long[] aft = rss();
            if (r == 0) { before = b; after = aft; }
            n = sd.size();
            bytes = sd.totalBytes();
            if (r == repeat - 1 && touch) touchAll(out, label, sd);
            sd.close();
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        out.printf("%-12s  %8.2f / %8.2f                    %s -> %s   %5d  %,d%n", label, sorted[0], sorted[repeat / 2],
                fmt(before), fmt(after), n, bytes);
        return sorted[0];
    }

    private static void touchAll(PrintWriter out, String label, StateDict sd) {
        long t = System.nanoTime();
        long sum = 0;
        for (TensorData td : sd.tensors().values()) {
            MemorySegment s = td.storage();
            for (long off = 0; off < s.byteSize(); off += 4096) sum += s.get(ValueLayout.JAVA_BYTE, off);
        }
        out.printf("%-12s  touched every page in %.0f ms (checksum %d): RSS %s%n", label, (System.nanoTime() - t) / 1e6, sum, fmt(rss()));
    }

    /** VmRSS, RssAnon, RssFile in KiB (Linux), or empty when /proc is not there. */
    static long[] rss() {
        long[] v = new long[3];
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                String[] f = l.split("\\s+");
                switch (f[0]) {
                    case "VmRSS:" -> v[0] = Long.parseLong(f[1]);
                    case "RssAnon:" -> v[1] = Long.parseLong(f[1]);
                    case "RssFile:" -> v[2] = Long.parseLong(f[1]);
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
        return v;
    }

    private static String fmt(long[] kb) {
        if (kb == null || kb.length == 0) return "n/a";
        return String.format("%d (anon %d, file %d)", kb[0] >> 10, kb[1] >> 10, kb[2] >> 10);
    }
}
