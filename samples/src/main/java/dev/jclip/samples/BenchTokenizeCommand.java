package dev.jclip.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.text.ClipTokenizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clip bench tokenize --vocab FILE}: {@code clip.tokenize}-equivalent throughput on all
 * 80 ImageNet templates x 1000 class names (80,000 texts), on one thread and on all cores.
 * After about 2 s of JIT warm-up, each configuration runs untimed warm-up passes and then timed
 * passes, each starting from an empty BPE cache; the figure is the median timed pass.
 *
 * <pre>
 * $ scripts/clip bench tokenize --vocab ../shared/data/bpe_simple_vocab_16e6.txt.gz --json
 * {"threads":1,"texts_per_s":...,"tokens_per_s":...}
 * </pre>
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenizer throughput: 80 ImageNet templates x 1000 classes, 1 thread and all cores.")
public final class BenchTokenizeCommand implements Callable<Integer> {
    @Option(names = "--vocab", required = true, paramLabel = "FILE", description = "The BPE vocabulary.")
    Path vocab;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with imagenet_templates.json and imagenet_classes.json (default: -Djclip.data, else ../shared/data).")
    Path data;

    @Option(names = "--thread-counts", split = ",", paramLabel = "N",
            description = "Tokenizer thread counts to measure (default: 1 and all cores). (The global --threads sets libtorch's threads.)")
    List<Integer> threads;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed passes per configuration (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeat", defaultValue = "15", description = "Timed passes per configuration (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "One JSON object per configuration instead of text.")
    boolean json;

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path defaultData() {
        String prop = System.getProperty("jclip.data");
        if (prop != null) return Path.of(prop);
        String home = System.getProperty("jclip.home");
        return home != null ? Path.of(home).resolve("../shared/data").normalize() : Path.of("../shared/data");
    }

    /** The 80,000 prompts: every template filled with every class name. */
    static List<String> prompts(Path dir) throws IOException {
        String[] templates = JSON.readValue(dir.resolve("imagenet_templates.json").toFile(), String[].class);
        String[] classes = JSON.readValue(dir.resolve("imagenet_classes.json").toFile(), String[].class);
        List<String> texts = new ArrayList<>(templates.length * classes.length);
        for (String c : classes) for (String t : templates) texts.add(t.replace("{}", c));
        return texts;
    }

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || warmup < 0) throw new IllegalArgumentException("--repeat must be >= 1 and --warmup >= 0");
        List<String> texts = prompts(data != null ? data : defaultData());
        ClipTokenizer tok = ClipTokenizer.load(vocab);
        long tokens = 0;
        for (String t : texts) tokens += tok.encode(t).length;
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> configs = threads != null ? threads : (cores > 1 ? List.of(1, cores) : List.of(1));
        if (!json) {
            System.out.printf("tokenize: %,d texts, %,d BPE tokens (without start/end), context 77, %d cores%n",
                    texts.size(), tokens, cores);
        }
        // JIT warm-up before any figure: ~2 s of single-thread passes (the per-configuration
        // warm-up passes alone left the first configuration partly interpreted)
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            tok.clearCache();
            tok.tokenizeIds(texts, ClipTokenizer.DEFAULT_CONTEXT_LENGTH, false);
        }
        for (int n : configs) {
            if (n < 1) throw new IllegalArgumentException("--thread-counts must be >= 1, got " + n);
            double[] m = measure(tok, texts, n);
            double seconds = m[0];
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("threads", n);
            r.put("texts_per_s", Math.round(texts.size() / seconds));
            r.put("tokens_per_s", Math.round(tokens / seconds));
            r.put("texts", texts.size());
            r.put("tokens", tokens);
            r.put("seconds", seconds);
            // CPU time is what a loaded shared machine cannot distort: tokens per CPU-second
            r.put("tokens_per_cpu_s", Math.round(tokens / m[1]));
            if (json) System.out.println(JSON.writeValueAsString(r));
            else System.out.printf("  threads=%-3d %8.1f ms   %,12d texts/s   %,14d tokens/s   (%,d tokens per CPU-second)%n",
                    n, seconds * 1e3, r.get("texts_per_s"), r.get("tokens_per_s"), r.get("tokens_per_cpu_s"));
        }
        return 0;
    }

    /** Median wall seconds and median summed thread-CPU seconds of the timed passes. */
    private double[] measure(ClipTokenizer tok, List<String> texts, int n) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            double[] wall = new double[repeat];
            double[] cpu = new double[repeat];
            for (int pass = -warmup; pass < repeat; pass++) {
                tok.clearCache();
                long t0 = System.nanoTime();
                List<Future<Long>> parts = new ArrayList<>(n);
                int chunk = (texts.size() + n - 1) / n;
                for (int from = 0; from < texts.size(); from += chunk) {
                    List<String> slice = texts.subList(from, Math.min(texts.size(), from + chunk));
                    parts.add(pool.submit(() -> {
                        long c0 = mx.getCurrentThreadCpuTime();
                        tok.tokenizeIds(slice, ClipTokenizer.DEFAULT_CONTEXT_LENGTH, false);
                        return mx.getCurrentThreadCpuTime() - c0;
                    }));
                }
                long cpuNanos = 0;
                for (Future<Long> f : parts) cpuNanos += f.get();
                if (pass >= 0) {
                    wall[pass] = (System.nanoTime() - t0) / 1e9;
                    cpu[pass] = cpuNanos / 1e9;
                }
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            return new double[] {wall[repeat / 2], cpu[repeat / 2]};
        } finally {
            pool.shutdownNow();
        }
    }
}
