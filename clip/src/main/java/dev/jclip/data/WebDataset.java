package dev.jclip.data;

import dev.jclip.image.ImageFiles;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.progress.Notices;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * WebDataset tar shards, streamed: consecutive tar members sharing a key (the name up to its
 * first dot) form one sample, an image (an {@link ImageFiles} extension) plus its
 * caption ({@code .txt}); samples missing either are skipped. Shards are split by rank, then by
 * worker (shard {@code i} goes to global worker {@code i mod (worldSize * workers)}); each worker
 * streams its shards in a seeded order, epoch after epoch, through a shuffle buffer.
 *
 * <pre>{@code
 * try (WebDataset wds = new WebDataset(WebDataset.expand("shards/data-{000..009}.tar"), 224, 64, 42, 0, 1, 2, 1000)) {
 *     Batch b = wds.next();
 * }
 * }</pre>
 *
 * The interleaving of workers depends on thread timing: unlike {@link DataLoader}, the batch
 * order is not reproducible across runs (as in WebDataset itself).
 */
public final class WebDataset implements BatchSource {

    private final ClipPreprocess preprocess;
    private final int batchSize;
    private final BlockingQueue<Object> queue;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param shards      every shard of the data set (all ranks); this rank reads its share
     * @param imageSize   model resolution
     * @param shuffle     shuffle-buffer size per worker (0 or 1 = no shuffling)
     */
    public WebDataset(List<Path> shards, int imageSize, int batchSize, long seed, int rank, int worldSize, int workers, int shuffle) {
        this(shards, new ClipPreprocess(imageSize), batchSize, seed, rank, worldSize, workers, shuffle);
    }

    /** As above, images fed through {@code preprocess} (a fine-tuned checkpoint's own transform). */
    public WebDataset(List<Path> shards, ClipPreprocess preprocess, int batchSize, long seed, int rank, int worldSize, int workers, int shuffle) {
        if (shards.isEmpty()) throw new IllegalArgumentException("no shards given");
        if (worldSize < 1 || rank < 0 || rank >= worldSize || workers < 1 || batchSize < 1) {
            throw new IllegalArgumentException("bad rank " + rank + "/" + worldSize + ", workers " + workers + " or batch " + batchSize);
        }
        for (Path p : shards) if (!Files.isReadable(p)) throw new IllegalArgumentException("cannot read shard " + p);
        this.preprocess = preprocess;
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(Math.max(4 * batchSize, 64));
        int globalWorkers = worldSize * workers;
        for (int w = 0; w < workers; w++) {
            int gw = rank * workers + w;
            List<Path> mine = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) if (i % globalWorkers == gw) mine.add(shards.get(i));
            if (mine.isEmpty()) continue;
            long wseed = Seeds.mix(seed, gw);
            Thread t = new Thread(() -> work(mine, wseed, Math.max(1, shuffle)), "jclip-wds-" + gw);
            t.setDaemon(true);
            threads.add(t);
        }
        if (threads.isEmpty()) {
            throw new IllegalArgumentException(shards.size() + " shard(s) are too few for " + globalWorkers
                    + " workers over all ranks: every worker needs at least one");
        }
        threads.forEach(Thread::start);
    }

    /** Expands brace ranges as WebDataset does: {@code data-{000..002}.tar} = 3 paths. */
    public static List<Path> expand(String pattern) {
        var m = java.util.regex.Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}").matcher(pattern);
        if (!m.find()) return List.of(Path.of(pattern));
        String a = m.group(1), b = m.group(2);
        int from = Integer.parseInt(a), to = Integer.parseInt(b);
        List<Path> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            String num = String.format("%0" + a.length() + "d", i);
            out.addAll(expand(pattern.substring(0, m.start()) + num + pattern.substring(m.end())));
        }
        return out;
    }

    private void work(List<Path> shards, long seed, int bufferSize) {
        Random rnd = new Random(seed);
        List<Example> buffer = new ArrayList<>();
        try {
            while (!closed) {
                List<Path> order = new ArrayList<>(shards);
                java.util.Collections.shuffle(order, rnd);
                for (Path shard : order) {
                    readShard(shard, e -> {
                        buffer.add(e);
                        if (buffer.size() >= bufferSize) put(buffer.remove(rnd.nextInt(buffer.size())));
                    });
                    if (closed) return;
                }
            }
        } catch (RuntimeException e) {
            if (!closed) putQuietly(e);
        }
    }

    private void readShard(Path shard, java.util.function.Consumer<Example> sink) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            String key = null, caption = null, imageName = null;
            byte[] image = null;
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null && !closed) {
                if (!e.isFile()) continue;
                String name = e.getName();
                int slash = name.lastIndexOf('/');
                int dot = name.indexOf('.', slash + 1);
                if (dot < 0) continue;
                String k = name.substring(0, dot), ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
                if (!k.equals(key)) {
                    emit(shard, key, imageName, image, caption, sink);
                    key = k;
                    image = null;
                    caption = null;
                }
                if (ext.equals("txt")) caption = new String(tar.readAllBytes(), StandardCharsets.UTF_8).strip();
                else if (ImageFiles.isImageExtension(ext)) { image = tar.readAllBytes(); imageName = name; }
            }
            emit(shard, key, imageName, image, caption, sink);
        } catch (IOException ex) {
            throw new IllegalArgumentException("cannot read shard " + shard + ": " + ex.getMessage(), ex);
        }
    }

    private void emit(Path shard, String key, String name, byte[] image, String caption, java.util.function.Consumer<Example> sink) {
        if (key == null || image == null || caption == null) return;
        float[] px;
        try {
            px = preprocess.preprocess(preprocess.decoder().decode(image, name));
        } catch (RuntimeException bad) {
            Notices.warn("skipping " + shard.getFileName() + ":" + name + ": " + bad.getMessage());
            return;
        }
        sink.accept(new Example(px, caption, -1));
    }

    private void put(Object o) {
        try {
            while (!closed && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) { /* wait for the consumer */ }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private void putQuietly(Object o) { put(o); }

    @Override public Batch next() {
        List<Example> ex = new ArrayList<>(batchSize);
        try {
            while (ex.size() < batchSize) {
                Object o = queue.poll(60, TimeUnit.SECONDS);
                if (o == null) throw new IllegalStateException("no sample from the shards within 60 s (empty shards, or no image+txt pairs?)");
                if (o instanceof RuntimeException re) throw re;
                ex.add((Example) o);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for samples", ie);
        }
        return Batch.of(ex, preprocess.size());
    }

    @Override public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
