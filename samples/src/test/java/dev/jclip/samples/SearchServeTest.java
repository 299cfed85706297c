package dev.jclip.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.embed.EmbeddingReader;
import dev.jclip.eval.EvalModel;
import dev.jclip.index.VectorIndex;
import dev.jclip.io.Safetensors;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.io.TensorBridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** clip embed/index/search on folders, and clip serve's endpoints with good and bad requests. */
class SearchServeTest {
    @TempDir static Path dir;
    static Path model, images;
    static EvalModel em;
    static ClipServer server;
    static VectorIndex index;
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    /** A tiny random ViT with the bytes tokenizer recorded, so text queries work. */
    @BeforeAll static void setUp() throws Exception {
        ClipArchitecture a = ClipArchitecture.vit(32, 32, 1, 64, 8, 16, 520, 32, 1, 1);
        model = dir.resolve("tiny.safetensors");
        try (ClipModel m = ClipModel.initialized(a, 5, DType.F32, Device.CPU); Arena arena = Arena.ofConfined()) {
            Safetensors.write(model, TensorBridge.toData(m.stateDict(), arena), Map.of("config", a.toJson(), "tokenizer", "{\"type\":\"bytes\"}"));
        }
        images = dir.resolve("photos");
        Files.createDirectories(images.resolve("sub"));
        Random r = new Random(3);
        for (int i = 0; i < 6; i++) {
            BufferedImage bi = new BufferedImage(40 + i, 30 + 2 * i, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < bi.getHeight(); y++) for (int x = 0; x < bi.getWidth(); x++) bi.setRGB(x, y, r.nextInt(1 << 24));
            ImageIO.write(bi, i % 2 == 0 ? "png" : "jpeg", images.resolve((i < 4 ? "" : "sub/") + "p" + i + (i % 2 == 0 ? ".png" : ".jpg")).toFile());
        }
        run(0, "index", "--checkpoint", model.toString(), "--out", dir.resolve("idx").toString(), "--workers", "2", images.toString());
        em = dev.jclip.eval.EvalModel.open(model, dev.jclip.model.LoadedClip.Options.defaults());
        index = VectorIndex.open(dir.resolve("idx"));
        server = new ClipServer(Models.embedder(em), index, "tiny", new ClipServer.Limits(64 << 10, 10_000, 8, 16,
                java.time.Duration.ofMillis(2), 64), true, "127.0.0.1", 0, 8);
    }

    @AfterAll static void tearDown() {
        if (server != null) server.close(2);
        if (index != null) index.close();
        if (em != null) em.close();
    }

    static String run(int rc, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = System.out, e = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        int got;
        try {
            CommandLine cl = new CommandLine(new ClipCommand());
            cl.setExecutionExceptionHandler((ex, line, parse) -> { line.getErr().println("clip: " + ex.getMessage()); System.err.println("clip: " + ex.getMessage()); return 1; });
            got = cl.execute(args);
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
        assertEquals(rc, got, () -> "exit code; stdout: " + out + "\nstderr: " + err);
        return out + err.toString();
    }

    @Test void anImagesOwnEmbeddingIsItsTopHitAndIndexingIsIncremental() throws Exception {
        Path q = images.resolve("sub/p5.jpg");
        for (String mode : List.of("--ef=50", "--exact")) {
            JsonNode n = JSON.readTree(run(0, "search", "--index", dir.resolve("idx").toString(), "--image", q.toString(), "--top", "3", "--json", mode).lines().findFirst().orElseThrow());
            assertEquals(q.toString(), n.get("results").get(0).get("path").asText(), mode);
            assertEquals(1.0, n.get("results").get(0).get("score").asDouble(), 1e-4, mode);
            assertEquals(3, n.get("results").size());
        }
        String t = run(0, "search", "--index", dir.resolve("idx").toString(), "a red square", "--top", "2");
        assertTrue(t.contains("2 results of 6"), t);

        Path more = dir.resolve("more");
        Files.createDirectories(more);
        Files.copy(q, more.resolve("copy.jpg"));
        Files.writeString(more.resolve("bad.png"), "not a png");
        String o = run(1, "index", "--out", dir.resolve("idx2").toString(), "--checkpoint", model.toString(), images.toString(), more.toString());
        assertTrue(o.contains("skipped " + more.resolve("bad.png") + ": not a recognised image format"), o);
        Files.copy(q, more.resolve("copy2.jpg"));
        Files.delete(more.resolve("bad.png"));
        o = run(0, "index", "--append", "--out", dir.resolve("idx2").toString(), images.toString(), more.toString());
        assertTrue(o.contains("indexed 1 images") && o.contains("8 in total") && o.contains("7 already there"), o);
        String refused = run(1, "index", "--checkpoint", model.toString(), "--out", dir.resolve("idx2").toString(), images.toString());
        assertTrue(refused.contains("not empty"), refused);
    }

    @Test void embedFoldersListsAndGlobsIntoShardsAndResume() throws Exception {
        Path out = dir.resolve("emb");
        Path list = Files.writeString(dir.resolve("list.txt"), "photos/p0.png\nphotos/sub/p4.png\n");
        run(0, "embed", "--checkpoint", model.toString(), "--images", images + "/*.jpg", "--out", out.toString(), "--shard-size", "2");
        EmbeddingReader r = EmbeddingReader.open(out);
        assertEquals(List.of(images.resolve("p1.jpg").toString(), images.resolve("p3.jpg").toString()), r.readAll().keys());
        assertEquals(model.toAbsolutePath().normalize().toString(), r.model().get("checkpoint"));
        String refused = run(1, "embed", "--checkpoint", model.toString(), "--list", list.toString(), "--out", out.toString());
        assertTrue(refused.contains("--resume"), refused);
        String o = run(0, "embed", "--checkpoint", model.toString(), "--list", list.toString(), "--out", out.toString(), "--resume");
        assertTrue(o.contains("embedded 2 images"), o);
        assertEquals(4, EmbeddingReader.open(out).size());
        String in = run(1, "embed", "--checkpoint", model.toString(), "--images", images.toString(), "--out", images.toString());
        assertTrue(in.contains("is the input SRC " + images), in);
    }

    // ---- server ----

    static HttpResponse<String> post(String path, String type, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static void error(HttpResponse<String> r, int status, String contains) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        assertEquals(status, n.get("status").asInt());
        assertTrue(n.get("error").asText().contains(contains), n.get("error").asText());
    }

    @Test void endpointsAnswer() throws Exception {
        JsonNode h = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("ok", h.get("status").asText());
        assertEquals(6, h.get("index_size").asInt());

        JsonNode t = ok(post("/embed/text", "application/json", "{\"texts\": [\"a dog\", \"a cat\"]}".getBytes()));
        assertEquals(2, t.get("embeddings").size());
        float[] dog = em.model() == null ? null : Models.embedder(em).embedText("a dog");
        for (int j = 0; j < 32; j++) assertEquals(dog[j], t.get("embeddings").get(0).get(j).floatValue(), 1e-6f);

        byte[] img = Files.readAllBytes(images.resolve("p2.png"));
        JsonNode e = ok(post("/embed/image", "image/png", img));
        assertEquals(32, e.get("embedding").size());

        JsonNode z = ok(post("/zero-shot?classes=dog,cat,car&template=a+photo+of+a+%7B%7D.", "image/png", img));
        double sum = 0;
        for (JsonNode c : z.get("results")) sum += c.get("probability").asDouble();
        assertEquals(1.0, sum, 1e-6);
        assertEquals(3, z.get("results").size());

        JsonNode s = ok(post("/search?top=2", "image/png", img));
        assertEquals(images.resolve("p2.png").toString(), s.get("results").get(0).get("path").asText());
        JsonNode st = ok(post("/search", "application/json", "{\"text\": \"a dog\", \"top\": 4}".getBytes()));
        assertEquals(4, st.get("results").size());
    }

    @Test void badRequestsGetAStatusAndAMessage() throws Exception {
        error(post("/embed/text", "application/json", "{\"texts\": [\"a dog\"".getBytes()), 400, "malformed JSON");
        error(post("/embed/text", "application/json", "{\"text\": \"a\"}".getBytes()), 400, "expected {\"texts\"");
        error(post("/embed/image", "image/png", "this is not an image".getBytes()), 415, "not a recognised image format");
        error(post("/embed/image", "image/png", new byte[100 << 10]), 413, "exceeds the limit of 65536 bytes");
        BufferedImage big = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(big, "png", png);
        error(post("/embed/image", "image/png", png.toByteArray()), 413, "200x100 pixels exceeds the limit of 10000");
        error(post("/zero-shot?classes=dog", "image/png", Files.readAllBytes(images.resolve("p2.png"))), 400, "at least two classes");
        error(post("/embed/text", "application/json", ("{\"texts\": " + JSON.writeValueAsString(java.util.Collections.nCopies(17, "x")) + "}").getBytes()), 413, "17 texts");
        error(post("/nope", "application/json", "{}".getBytes()), 404, "no endpoint /nope");
        error(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/embed/text")).build(),
                HttpResponse.BodyHandlers.ofString()), 405, "takes POST");
        ok(post("/embed/text", "application/json", "{\"texts\": [\"still up\"]}".getBytes()));
    }

    @Test void shutdownFinishesTheRequestsInFlight() throws Exception {
        // a batcher that waits 800 ms for company keeps the request in flight while we stop
        ClipServer slow = new ClipServer(Models.embedder(em), null, "tiny", new ClipServer.Limits(64 << 10, 10_000, 8, 16,
                java.time.Duration.ofMillis(800), 64), true, "127.0.0.1", 0, 4);
        URI uri = URI.create("http://127.0.0.1:" + slow.port() + "/embed/image");
        HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(images.resolve("p2.png")))).build();
        var pending = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (slow.inFlight() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(1, slow.inFlight(), "the request reached the server");
        slow.close(10);
        HttpResponse<String> r = pending.get();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(32, JSON.readTree(r.body()).get("embedding").size());
        assertThrows(java.io.IOException.class, () -> http.send(req, HttpResponse.BodyHandlers.ofString()), "stopped: no longer accepting");
    }
}
