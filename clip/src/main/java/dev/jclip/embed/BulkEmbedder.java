package dev.jclip.embed;

import dev.jclip.image.ImageDecodeException;
import dev.jclip.progress.ProgressListener;
import dev.jclip.progress.ProgressTracker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Embeds a stream of images with decoding and preprocessing on {@code workers} threads while the
 * calling thread runs the model on full batches: a reader thread walks the {@link ImageSources}
 * and hands each image to the workers; results come back in input order through a bounded queue,
 * so memory holds a few batches whatever the number of images. Each batch goes to an
 * {@link EmbeddingSink} (durable when it returns). Progress goes to a {@link ProgressListener}
 * (task {@code embedding}, unit {@code images}); images that fail to decode are handed to the
 * caller's failure callback (key and reason) and skipped.
 *
 * <pre>{@code
 * try (EmbeddingWriter out = EmbeddingWriter.open(dir, emb.dim(), model, 10_000, true)) {
 *     BulkEmbedder.Stats s = new BulkEmbedder(emb, 64, 4).progress(listener, out.done().size())
 *             .run(sources, out.done()::contains, out, (key, why) -> log.warn(key + ": " + why), sources.count());
 * }
 * }</pre>
 */
public final class BulkEmbedder {

    /**
     * Counts so far. {@code waitSeconds}: time the model thread spent waiting for decoded images
     * (the model is starved when this is a large share of {@code elapsedSeconds}).
     */
    public record Stats(long embedded, long skipped, long failed, long seen, double modelSeconds, double waitSeconds, double elapsedSeconds) {
        public double imagesPerSecond() { return elapsedSeconds > 0 ? embedded / elapsedSeconds : 0; }

        public double waitShare() { return elapsedSeconds > 0 ? waitSeconds / elapsedSeconds : 0; }
    }

    private record Decoded(String key, float[] chw, String error) {}

    private static final Object END = new Object();

    private final ClipEmbedder embedder;
    private final int batch;
    private final int workers;
    private ProgressListener progress = ProgressListener.NONE;
    private long alreadyDone;

    public BulkEmbedder(ClipEmbedder embedder, int batch, int workers) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        this.embedder = embedder;
        this.batch = batch;
        this.workers = workers;
    }

    /**
     * Reports progress to {@code listener} (null: none), called on the model thread;
     * {@code alreadyDone}: items found in the output already (a resumed run), counted as done from
     * the start and not in the rate.
     */
    public BulkEmbedder progress(ProgressListener listener, long alreadyDone) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
        this.alreadyDone = Math.max(0, alreadyDone);
        return this;
    }

    /**
     * Embeds every item of {@code sources} that {@code skip} does not accept; {@code failed} gets
     * the key and reason of each image that cannot be decoded (on the model thread); {@code total}
     * (-1: not known) is the number of items for rate and ETA.
     */
    public Stats run(ImageSources sources, Predicate<String> skip, EmbeddingSink sink, BiConsumer<String, String> failed, long total) {
        long t0 = System.nanoTime();
        long all = Math.max(0, total);
        try (ProgressTracker tracker = progress.track("embedding", "images", all, Math.min(alreadyDone, all))) {
            return run(sources, skip, sink, failed, tracker, t0);
        }
    }

    private Stats run(ImageSources sources, Predicate<String> skip, EmbeddingSink sink, BiConsumer<String, String> onFailure,
                      ProgressTracker tracker, long t0) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2 * batch + 2 * workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "jclip-embed-decode");
            t.setDaemon(true);
            return t;
        });
        long[] skipped = {0};
        Thread reader = Thread.ofPlatform().daemon().name("jclip-embed-reader").start(() -> {
            try {
                sources.forEach(item -> {
                    if (skip.test(item.key())) { synchronized (skipped) { skipped[0]++; } return; }
                    Future<Decoded> f = pool.submit(() -> decode(item));
                    putUninterruptibly(queue, f);
                });
                putUninterruptibly(queue, END);
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) return;   // the model thread stopped first
                try {
                    queue.put(e);
                } catch (InterruptedException ignored) {
                    // the model thread has stopped; nobody waits for the error
                }
            }
        });
        int per = embedder.preprocess().floatsPerImage();
        float[] buf = new float[batch * per];
        List<String> keys = new ArrayList<>(batch);
        long embedded = 0, failed = 0;
        long waitNs = 0, modelNs = 0;
        try {
            while (true) {
                long w0 = System.nanoTime();
                Object o = queue.take();
                Decoded d = o instanceof Future<?> f ? (Decoded) f.get() : null;
                waitNs += System.nanoTime() - w0;
                if (o == END) break;
                if (o instanceof RuntimeException e) throw e;
                if (d.error != null) {
                    failed++;
                    onFailure.accept(d.key, d.error);
                    continue;
                }
                System.arraycopy(d.chw, 0, buf, keys.size() * per, per);
                keys.add(d.key);
                if (keys.size() == batch) {
                    modelNs += flush(buf, keys, sink);
                    embedded += batch;
                    report(tracker, embedded, failed);
                }
            }
            if (!keys.isEmpty()) {
                int n = keys.size();
                modelNs += flush(buf, keys, sink);
                embedded += n;
            }
            Stats s = stats(embedded, skipped, failed, modelNs, waitNs, t0);
            report(tracker, embedded, failed);
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding failed: " + e.getCause(), e.getCause());
        } finally {
            reader.interrupt();
            pool.shutdownNow();
        }
    }

    private void report(ProgressTracker tracker, long embedded, long failed) {
        tracker.to(alreadyDone + embedded + failed, failed > 0 ? failed + " unreadable" : "");
    }

    private Stats stats(long embedded, long[] skipped, long failed, long modelNs, long waitNs, long t0) {
        long sk;
        synchronized (skipped) { sk = skipped[0]; }
        return new Stats(embedded, sk, failed, embedded + failed + sk, modelNs / 1e9, waitNs / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    private long flush(float[] buf, List<String> keys, EmbeddingSink sink) {
        long m0 = System.nanoTime();
        float[] v = embedder.embedPreprocessed(buf, keys.size());
        long ns = System.nanoTime() - m0;
        sink.accept(List.copyOf(keys), v);
        keys.clear();
        return ns;
    }

    private Decoded decode(ImageSources.Item item) {
        try {
            return new Decoded(item.key(), embedder.preprocess(item.input()), null);
        } catch (ImageDecodeException e) {
            return new Decoded(item.key(), null, e.reason());
        } catch (RuntimeException | OutOfMemoryError e) {
            return new Decoded(item.key(), null, e.toString());
        }
    }

    private static void putUninterruptibly(BlockingQueue<Object> q, Object o) {
        try {
            q.put(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped");
        }
    }
}
