package dev.jclip.embed;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.model.ClipModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The service-facing embedder: input kinds, thread safety, batching. */
class ClipEmbedderTest {
    static ClipModel model;
    static ClipEmbedder emb;
    @TempDir static Path dir;
    static List<Path> files;

    @BeforeAll static void load() throws Exception {
        model = ClipModel.fromCheckpoint(TestImages.fixtureModel());
        emb = new ClipEmbedder(model, new ClipPreprocess(model.architecture().imageResolution()), null);
        files = TestImages.write(dir.resolve("imgs"), 6, 7);
    }

    @AfterAll static void close() { if (model != null) model.close(); }

    @Test void pathBytesStreamAndBufferedImageGiveTheSameVector() throws Exception {
        Path png = files.get(0);
        byte[] bytes = Files.readAllBytes(png);
        float[] a = emb.embedImage(ImageInput.of(png));
        assertArrayEquals(a, emb.embedImage(ImageInput.of(bytes, "upload")));
        assertArrayEquals(a, emb.embedImage(ImageInput.of(new ByteArrayInputStream(bytes), "stream")));
        assertArrayEquals(a, emb.embedImage(ImageInput.of(ImageIO.read(png.toFile()))));
        double n = ClipEmbedder.dot(a, a);
        assertEquals(1.0, n, 1e-5, "L2-normalised");
        assertEquals(model.architecture().embedDim(), a.length);
    }

    @Test void aBadInputFailsItsOwnCallNamingIt() {
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> emb.embedImage(ImageInput.of("hello".getBytes(), "upload-7")));
        assertTrue(e.getMessage().contains("upload-7") && e.getMessage().contains("not a recognised image format"), e.getMessage());
    }

    @Test void concurrentCallsEqualSingleThreadedOnes() throws Exception {
        List<float[][]> single = new ArrayList<>();
        List<List<ImageInput>> calls = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            List<ImageInput> in = new ArrayList<>();
            for (int j = 0; j <= c % 4; j++) in.add(ImageInput.of(files.get((c + j) % files.size())));
            calls.add(in);
            single.add(emb.embedImages(in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 2; round++) {
                List<Future<float[][]>> fs = new ArrayList<>();
                for (List<ImageInput> in : calls) fs.add(pool.submit(() -> emb.embedImages(in)));
                for (int c = 0; c < calls.size(); c++) {
                    float[][] got = fs.get(c).get();
                    for (int r = 0; r < got.length; r++) assertArrayEquals(single.get(c)[r], got[r], 0f, "call " + c + " row " + r + " differs");
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test void dynamicBatcherGathersConcurrentItemsAndKeepsOrder() throws Exception {
        List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", 8, Duration.ofMillis(50), 100, in -> {
            sizes.add(in.size());
            return in.stream().map(x -> x * 10).toList();
        })) {
            List<java.util.concurrent.CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) fs.add(b.submit(i));
            for (int i = 0; i < 20; i++) assertEquals(i * 10, fs.get(i).get());
            assertTrue(sizes.stream().allMatch(s -> s <= 8), sizes.toString());
            assertTrue(sizes.size() < 20, "items were gathered into batches: " + sizes);
        }
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("q", 1, Duration.ZERO, 1, in -> {
            try { Thread.sleep(200); } catch (InterruptedException e) { throw new RuntimeException(e); }
            return in;
        })) {
            b.submit(1);
            Thread.sleep(20);
            b.submit(2);
            assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> b.submit(3), "a full queue refuses at once");
        }
    }
}
