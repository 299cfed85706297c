package dev.jclip.embed;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.model.ClipModel;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Sources (folder, list, glob, tar), the sharded output, resume after a stop, bad files. */
class BulkEmbedderTest {
    static ClipModel model;
    static ClipEmbedder emb;
    @TempDir static Path dir;
    static Path images;

    @BeforeAll static void load() throws Exception {
        model = ClipModel.fromCheckpoint(TestImages.fixtureModel());
        emb = new ClipEmbedder(model, new ClipPreprocess(model.architecture().imageResolution()), null);
        images = dir.resolve("photos");
        TestImages.write(images, 5, 1);
        TestImages.write(images.resolve("sub/deeper"), 4, 100);
        Files.writeString(images.resolve("notes.txt"), "not an image, not taken");
        Files.writeString(images.resolve("sub/broken.jpg"), "not a jpeg");
    }

    @AfterAll static void close() { if (model != null) model.close(); }

    private static List<String> keys(ImageSources s) {
        List<String> k = new ArrayList<>();
        s.forEach(i -> k.add(i.key()));
        return k;
    }

    @Test void foldersAreWalkedRecursivelyInNameOrder() {
        List<String> k = keys(ImageSources.of(List.of(images.toString()), null));
        List<String> want = new ArrayList<>();
        for (String n : List.of("img-00.png", "img-01.jpg", "img-02.png", "img-03.jpg", "img-04.png", "sub/broken.jpg",
                "sub/deeper/img-00.png", "sub/deeper/img-01.jpg", "sub/deeper/img-02.png", "sub/deeper/img-03.jpg")) {
            want.add(images.resolve(n).toString());
        }
        assertEquals(want, k, "5 + 4 images and broken.jpg, by name; notes.txt is not an image");
    }

    @Test void listFilesAndGlobs() throws Exception {
        Path list = Files.writeString(dir.resolve("list.txt"), "# two images\nphotos/img-01.jpg\n\n" + images.resolve("sub/deeper/img-00.png") + "\n");
        assertEquals(List.of(images.resolve("img-01.jpg").toString(), images.resolve("sub/deeper/img-00.png").toString()),
                keys(ImageSources.of(List.of(), list)));
        List<String> g = keys(ImageSources.of(List.of(images + "/**/*.png"), null));
        assertEquals(List.of(images.resolve("sub/deeper/img-00.png").toString(), images.resolve("sub/deeper/img-02.png").toString()), g);
        assertEquals(3, keys(ImageSources.of(List.of(images + "/*.png"), null)).size());
        assertEquals(3, ImageSources.of(List.of(images + "/*.png"), null).count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageSources.of(List.of(dir + "/nope"), null));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test void webDatasetShardMembersAreItems() throws Exception {
        Path tar = dir.resolve("shard-000.tar");
        try (OutputStream os = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
            for (String n : List.of("a.jpg", "a.txt", "b.png")) {
                byte[] b = n.endsWith(".txt") ? "caption".getBytes() : Files.readAllBytes(images.resolve(n.equals("a.jpg") ? "img-01.jpg" : "img-00.png"));
                TarArchiveEntry e = new TarArchiveEntry(n);
                e.setSize(b.length);
                t.putArchiveEntry(e);
                t.write(b);
                t.closeArchiveEntry();
            }
        }
        List<String> k = keys(ImageSources.of(List.of(dir + "/shard-{000..000}.tar"), null));
        assertEquals(List.of(tar + "/a.jpg", tar + "/b.png"), k);
        EmbeddingReader.All all = embedAll(ImageSources.of(List.of(tar.toString()), null), dir.resolve("out-tar"));
        // a batch of 2 against a batch of 1: the same up to float rounding (GEMM blocking differs by batch size)
        assertArrayEquals(emb.embedImage(ImageInput.of(images.resolve("img-01.jpg"))), all.row(0), 1e-6f);
        assertEquals(List.of(tar + "/a.jpg", tar + "/b.png"), all.keys());
    }

    private EmbeddingReader.All embedAll(ImageSources src, Path out) {
        try (EmbeddingWriter w = EmbeddingWriter.open(out, emb.dim(), Map.of("checkpoint", "vit_a"), 4, false)) {
            new BulkEmbedder(emb, 3, 2).run(src, w.done()::contains, w, (k, why) -> {}, src.count());
        }
        return EmbeddingReader.open(out).readAll();
    }

    @Test void badFilesAreReportedAndSkipped() {
        List<String> bad = new ArrayList<>();
        ImageSources src = ImageSources.of(List.of(images.toString()), null);
        BulkEmbedder.Stats st;
        try (EmbeddingWriter w = EmbeddingWriter.open(dir.resolve("out-bad"), emb.dim(), Map.of(), 100, false)) {
            st = new BulkEmbedder(emb, 4, 2).run(src, k -> false, w, (key, reason) -> bad.add(key + ": " + reason), -1);
        }
        assertEquals(9, st.embedded());
        assertEquals(1, st.failed());
        assertEquals(1, bad.size());
        assertTrue(bad.getFirst().contains("broken.jpg") && bad.getFirst().contains("not a recognised image format"), bad.toString());
        assertEquals(9, EmbeddingReader.open(dir.resolve("out-bad")).size());
    }

    @Test void aStoppedRunResumesToTheSameFeaturesAsAnUninterruptedOne() throws Exception {
        ImageSources src = ImageSources.of(List.of(images.toString()), null);
        EmbeddingReader.All whole = embedAll(src, dir.resolve("out-whole"));
        assertEquals(9, whole.keys().size());

        Path out = dir.resolve("out-resumed");
        // The run dies after its third batch (shard size 4, batch 3: one shard merged, one batch file pending).
        RuntimeException killed = new RuntimeException("killed");
        int[] batches = {0};
        EmbeddingWriter w1 = EmbeddingWriter.open(out, emb.dim(), Map.of("checkpoint", "vit_a"), 4, false);
        assertThrows(RuntimeException.class, () -> new BulkEmbedder(emb, 3, 2).run(src, k -> false, (keys, v) -> {
            if (++batches[0] == 3) throw killed;
            w1.accept(keys, v);
        }, (k, why) -> {}, -1));
        Files.writeString(out.resolve(".batch-000000009.safetensors12345.tmp"), "a write cut short");   // what a kill leaves
        assertEquals(6, EmbeddingReader.open(out).size(), "two batches were durable before the stop");
        assertThrows(IllegalArgumentException.class, () -> EmbeddingWriter.open(out, emb.dim(), Map.of(), 4, false),
                "a non-empty folder is not overwritten without --resume");

        try (EmbeddingWriter w2 = EmbeddingWriter.open(out, emb.dim(), Map.of("checkpoint", "vit_a"), 4, true)) {
            assertEquals(6, w2.done().size());
            BulkEmbedder.Stats st = new BulkEmbedder(emb, 3, 2).run(src, w2.done()::contains, w2, (k, why) -> {}, -1);
            assertEquals(3, st.embedded());
            assertEquals(6, st.skipped());
        }
        EmbeddingReader.All resumed = EmbeddingReader.open(out).readAll();
        assertEquals(whole.keys(), resumed.keys());
        assertArrayEquals(whole.vectors(), resumed.vectors(), 0f);
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp") || p.getFileName().toString().startsWith("batch-")));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingWriter.open(out, emb.dim(), Map.of("checkpoint", "other"), 4, true));
        assertTrue(e.getMessage().contains("same model"), e.getMessage());
    }
}
