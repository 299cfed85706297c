package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code clip serve --checkpoint M [--index INDEX] [--port P]}: the HTTP JSON API
 * ({@link ClipServer}) until SIGTERM or Ctrl-C, which stop accepting, finish the requests in
 * flight and exit.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "HTTP JSON API: /health, /embed/text, /embed/image, /zero-shot, /search, with dynamic batching.")
public final class ServeCommand implements Callable<Integer> {
    /** Default with --index: the model (and tokenizer) the index records. */
    @Mixin RecordedCheckpointOptions ckpt;

    @Option(names = "--index", description = "Index for /search (written by clip index).")
    Path index;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--request-threads", defaultValue = "32", description = "HTTP request threads (default ${DEFAULT-VALUE}); the global --threads sets libtorch's CPU threads.")
    int threads;

    @Option(names = "--batching", defaultValue = "auto",
            description = "Gather concurrent requests into one model batch: on, off, or auto (on for CUDA, off on the CPU, "
                    + "where this libtorch runs batch 1 faster per image than larger batches; docs/search.md) (default ${DEFAULT-VALUE}).")
    String batching;

    @Option(names = "--max-batch", defaultValue = "32", description = "Largest model batch (default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--batch-wait-ms", defaultValue = "5", description = "How long a batch waits for more requests (default ${DEFAULT-VALUE}).")
    int batchWaitMs;

    @Option(names = "--max-body-mb", defaultValue = "20", description = "Largest request body (default ${DEFAULT-VALUE} MiB).")
    int maxBodyMb;

    @Option(names = "--max-pixels", defaultValue = "50000000", description = "Largest image, width x height (default ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = "--max-texts", defaultValue = "256", description = "Most texts (or prompts) per request (default ${DEFAULT-VALUE}).")
    int maxTexts;

    @Option(names = "--grace-seconds", defaultValue = "10", description = "How long shutdown waits for in-flight requests (default ${DEFAULT-VALUE}).")
    int grace;

    @Override public Integer call() throws Exception {
        if (maxBatch < 1 || threads < 1 || maxBodyMb < 1 || maxPixels < 1 || maxTexts < 1 || batchWaitMs < 0) {
            throw new IllegalArgumentException("--max-batch, --request-threads, --max-body-mb, --max-pixels and --max-texts must be >= 1, --batch-wait-ms >= 0");
        }
        boolean batch = switch (batching) {
            case "on" -> true;
            case "off" -> false;
            case "auto" -> ckpt.onCuda();
            default -> throw new IllegalArgumentException("--batching must be on, off or auto, got '" + batching + "'");
        };
        ckpt.options(); // a bad --device or --dtype fails before the index opens
        VectorIndex ix = index == null ? null : VectorIndex.open(index);
        try (EvalModel m = ckpt.open(ix == null ? null : ix.info(), "give --checkpoint (or an --index that records its model)")) {
            if (ix != null) RecordedCheckpointOptions.requireSameDim(m, index, ix);
            ClipServer.Limits limits = new ClipServer.Limits((long) maxBodyMb << 20, maxPixels, maxBatch, maxTexts,
                    Duration.ofMillis(batchWaitMs), 1024);
            ClipServer server = new ClipServer(Models.embedder(m), ix, m.checkpoint().toString(), limits, batch, host, port, threads);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                System.err.println("clip serve: stopping (finishing requests in flight, at most " + grace + " s)");
                server.close(grace);
                stopped.countDown();
            }, "jclip-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            System.err.println("clip serve: listening on http://" + host + ":" + server.port() + " (model " + m.checkpoint()
                    + (ix != null ? ", index " + index + " with " + ix.size() + " vectors" : "") + ", batching " + (batch ? "on" : "off") + ")");
            stopped.await();
        } finally {
            if (ix != null) ix.close();
        }
        return 0;
    }
}
