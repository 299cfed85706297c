package dev.jclip.embed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Gathers concurrent requests into one model batch: the first request waits at most
 * {@code maxDelay} for others to join, a batch holds at most {@code maxBatch} items, and one
 * thread runs the batches one after another (the model gets large batches instead of many
 * competing small ones). A full queue rejects new items at once
 * ({@link RejectedExecutionException}: a server answers 503) instead of growing without bound.
 * {@link #close()} finishes what was queued, then stops.
 *
 * <pre>{@code
 * DynamicBatcher<String, float[]> texts = new DynamicBatcher<>("texts", 32, Duration.ofMillis(5), 1024,
 *         batch -> Arrays.asList(embedder.embedTexts(batch)));
 * float[] v = texts.submit("a photo of a dog").join();
 * }</pre>
 *
 * @param <I> one request's input
 * @param <O> one request's result; {@code run} returns one per input, in order
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {
    private record Pending<I, O>(I input, CompletableFuture<O> result) {}

    private final int maxBatch;
    private final long maxDelayNs;
    private final Function<List<I>, List<O>> run;
    private final BlockingQueue<Pending<I, O>> queue;
    private final Thread thread;
    private volatile boolean closing;
    private long batches, items;

    public DynamicBatcher(String name, int maxBatch, Duration maxDelay, int maxQueue, Function<List<I>, List<O>> run) {
        if (maxBatch < 1 || maxQueue < 1) throw new IllegalArgumentException("maxBatch and maxQueue must be >= 1");
        this.maxBatch = maxBatch;
        this.maxDelayNs = maxDelay.toNanos();
        this.run = run;
        this.queue = new LinkedBlockingQueue<>(maxQueue);
        this.thread = Thread.ofPlatform().name("jclip-batcher-" + name).daemon().start(this::loop);
    }

    /** Queues one item; the future completes with its result or the batch's exception. */
    public CompletableFuture<O> submit(I input) {
        CompletableFuture<O> f = new CompletableFuture<>();
        synchronized (queue) {   // no item enters once close() has begun, so the loop's last drain is final
            if (closing) throw new RejectedExecutionException("shutting down");
            if (!queue.offer(new Pending<>(input, f))) throw new RejectedExecutionException("queue full (" + queue.size() + " waiting)");
        }
        return f;
    }

    /** Mean items per batch so far. */
    public synchronized double meanBatch() { return batches == 0 ? 0 : (double) items / batches; }

    /** Starts {@link #meanBatch()} afresh. */
    public synchronized void resetStats() { batches = 0; items = 0; }

    private void loop() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                Pending<I, O> first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) return;
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxDelayNs;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Pending<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) break;
                    batch.add(next);
                }
            } catch (InterruptedException e) {
                if (batch.isEmpty()) return;
            }
            runBatch(batch);
            batch.clear();
        }
    }

    private void runBatch(List<Pending<I, O>> batch) {
        List<I> in = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) in.add(p.input());
        try {
            List<O> out = run.apply(in);
            if (out.size() != in.size()) throw new IllegalStateException("batch of " + in.size() + " gave " + out.size() + " results");
            for (int i = 0; i < batch.size(); i++) batch.get(i).result().complete(out.get(i));
        } catch (RuntimeException | Error e) {
            for (Pending<I, O> p : batch) p.result().completeExceptionally(e);
        }
        synchronized (this) { batches++; items += batch.size(); }
    }

    /** Finishes the queued items, then stops the batching thread. */
    @Override public void close() {
        synchronized (queue) { closing = true; }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
