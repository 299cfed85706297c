package dev.jclip.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches from an {@link ImageTextDataset}, prepared by worker threads ahead of the training
 * thread. The order is a pure function of (seed, epoch, rank): each epoch is a seeded shuffle,
 * every rank takes the interleaved share {@code perm[rank::worldSize]} (as PyTorch's
 * {@code DistributedSampler}), incomplete batches are dropped. Batch {@code k} is therefore the same
 * whenever it is asked for, which is what makes {@code --resume} bit-exact: start at {@code firstBatch = step}.
 *
 * <pre>{@code
 * try (DataLoader dl = new DataLoader(ds, new DataLoader.Options(64, 42, 0, 1, 2, 4, 0))) {
 *     Batch b = dl.next();
 * }
 * }</pre>
 */
public final class DataLoader implements BatchSource {
    /**
     * @param batchSize  examples per batch on this rank
     * @param seed       shuffle seed
     * @param rank       this process's rank in [0, worldSize)
     * @param worldSize  number of data-parallel processes
     * @param workers    preprocessing threads (>= 1)
     * @param prefetch   batches prepared ahead (>= 1)
     * @param firstBatch index of the first batch to deliver (the resumed step)
     */
    public record Options(int batchSize, long seed, int rank, int worldSize, int workers, int prefetch, long firstBatch) {
        public Options {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (worldSize < 1 || rank < 0 || rank >= worldSize) throw new IllegalArgumentException("bad rank " + rank + " of world size " + worldSize);
            if (workers < 1 || prefetch < 1) throw new IllegalArgumentException("workers and prefetch must be >= 1, got " + workers + ", " + prefetch);
            if (firstBatch < 0) throw new IllegalArgumentException("first batch must be >= 0, got " + firstBatch);
        }

        /** One rank, two workers, four batches ahead, from the start. */
        public static Options of(int batchSize, long seed) { return new Options(batchSize, seed, 0, 1, 2, 4, 0); }

        public Options startingAt(long batch) { return new Options(batchSize, seed, rank, worldSize, workers, prefetch, batch); }
    }

    private final ImageTextDataset dataset;
    private final Options options;
    private final int batchesPerEpoch;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
    private long nextToSubmit;
    private int cachedEpoch = -1;
    private int[] cachedShard;
    private volatile dev.jclip.torch.Device stageFor = dev.jclip.torch.Device.CPU;

    public DataLoader(ImageTextDataset dataset, Options options) {
        this.dataset = dataset;
        this.options = options;
        int perRank = dataset.size() / options.worldSize();
        this.batchesPerEpoch = perRank / options.batchSize();
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("data set of " + dataset.size() + " examples is too small for batch size "
                    + options.batchSize() + " on " + options.worldSize() + " rank(s)");
        }
        this.nextToSubmit = options.firstBatch();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "jclip-data-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Has the workers stage each batch in pinned host memory for {@code device} (a GPU; the CPU
     * changes nothing), so the training thread's copy to the device is asynchronous. Returns this.
     */
    @Override public DataLoader stagingFor(dev.jclip.torch.Device device) {
        this.stageFor = device;
        return this;
    }

    /** Full batches per epoch on this rank. */
    public int batchesPerEpoch() { return batchesPerEpoch; }

    /** The dataset indices of batch {@code k} on this rank. */
    public synchronized int[] indicesOf(long k) {
        int epoch = Math.toIntExact(k / batchesPerEpoch);
        int within = (int) (k % batchesPerEpoch);
        int[] shard = shard(epoch);
        int[] out = new int[options.batchSize()];
        System.arraycopy(shard, within * options.batchSize(), out, 0, out.length);
        return out;
    }

    private int[] shard(int epoch) {
        if (epoch != cachedEpoch) {
            int n = dataset.size();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) perm[i] = i;
            Random rnd = new Random(Seeds.mix(options.seed(), epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
            }
            int perRank = n / options.worldSize();
            int[] shard = new int[perRank];
            for (int i = 0; i < perRank; i++) shard[i] = perm[i * options.worldSize() + options.rank()];
            cachedShard = shard;
            cachedEpoch = epoch;
        }
        return cachedShard;
    }

    @Override public Batch next() {
        while (ahead.size() < options.prefetch()) {
            int[] idx = indicesOf(nextToSubmit++);
            ahead.add(pool.submit(() -> build(idx)));
        }
        Future<Batch> f = ahead.poll();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException("data loading failed: " + c, c);
        }
    }

    private Batch build(int[] idx) {
        List<Example> ex = new ArrayList<>(idx.length);
        for (int i : idx) ex.add(dataset.get(i));
        return Batch.of(ex, dataset.imageSize()).staged(stageFor);
    }

    @Override public void close() {
        for (Future<Batch> f : ahead) f.cancel(true);
        ahead.clear();
        pool.shutdownNow();
    }
}
