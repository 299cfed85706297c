package dev.jclip.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jclip.embed.ClipEmbedder;
import dev.jclip.embed.DynamicBatcher;
import dev.jclip.embed.ImageInput;
import dev.jclip.eval.Features;
import dev.jclip.eval.ZeroShotClassifier;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.index.VectorIndex;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP JSON API of {@code clip serve}, on the JDK's {@code HttpServer}: {@code GET /health},
 * {@code POST /embed/text}, {@code /embed/image}, {@code /zero-shot}, {@code /search}. Images are
 * decoded and preprocessed on the request threads; with batching on, the model work of concurrent
 * requests is gathered by a {@link DynamicBatcher} (one for images, one for texts). Every error is
 * a JSON object {@code {"error": "...", "status": N}} with a 4xx/5xx status; nothing a client sends
 * stops the server. {@link #close} stops accepting, lets in-flight requests finish, then stops.
 */
final class ClipServer implements AutoCloseable {
    /** Limits on what one request may ask. */
    record Limits(long maxBodyBytes, long maxPixels, int maxBatch, int maxTexts, Duration batchDelay, int maxQueue) {
        static Limits defaults() { return new Limits(20 << 20, 50_000_000L, 32, 256, Duration.ofMillis(5), 1024); }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request the server refuses, with its status and message. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final ClipEmbedder embedder;
    private final VectorIndex index;
    private final Limits limits;
    private final boolean batching;
    private final String modelName;
    private final HttpServer server;
    private final ExecutorService pool;
    private final DynamicBatcher<float[], float[]> images;
    private final DynamicBatcher<String, float[]> texts;
    private final Map<String, float[][]> classifiers = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final double logitScale;
    private volatile boolean stopping;
    private volatile boolean modelClosed;

    ClipServer(ClipEmbedder embedder, VectorIndex index, String modelName, Limits limits, boolean batching,
               String host, int port, int threads) throws IOException {
        this.embedder = embedder;
        this.index = index;
        this.limits = limits;
        this.batching = batching;
        this.modelName = modelName;
        this.logitScale = embedder.logitScale();
        int per = embedder.preprocess().floatsPerImage();
        this.images = batching ? new DynamicBatcher<>("images", limits.maxBatch(), limits.batchDelay(), limits.maxQueue(), chws -> {
            float[] all = new float[chws.size() * per];
            for (int i = 0; i < chws.size(); i++) System.arraycopy(chws.get(i), 0, all, i * per, per);
            return split(embedder.embedPreprocessed(all, chws.size()), chws.size(), embedder.dim());
        }) : null;
        this.texts = batching && embedder.hasTokenizer() ? new DynamicBatcher<>("texts", limits.maxBatch(), limits.batchDelay(), limits.maxQueue(),
                t -> Arrays.asList(embedder.embedTexts(t))) : null;
        this.pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().name("jclip-http").daemon().unstarted(r));
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() { return server.getAddress().getPort(); }

    /** Mean images per model batch since the last {@link #resetStats()} (1 without batching). */
    double meanImageBatch() { return images == null ? 1 : images.meanBatch(); }

    /** Requests being handled now. */
    int inFlight() { return inFlight.get(); }

    void resetStats() { if (images != null) images.resetStats(); }

    private static List<float[]> split(float[] flat, int n, int dim) {
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(Arrays.copyOfRange(flat, i * dim, (i + 1) * dim));
        return out;
    }

    // ---- dispatch and errors ----

    private void handle(HttpExchange ex) {
        inFlight.incrementAndGet();
        try (ex) {
            Object body;
            int status = 200;
            try {
                if (stopping) throw new HttpError(503, "the server is shutting down");
                body = route(ex);
            } catch (HttpError e) {
                status = e.status;
                body = error(e.status, e.getMessage());
            } catch (ImageDecodeException e) {
                status = e.reason().startsWith("not a recognised image format") || e.reason().contains("empty") ? 415 : 400;
                body = error(status, "not a readable image: " + e.reason());
            } catch (RejectedExecutionException e) {
                status = 503;
                body = error(503, "overloaded: " + e.getMessage() + "; retry later");
            } catch (IOException e) {
                status = 400;
                body = error(400, "cannot read the request: " + e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                body = error(500, "internal error: " + e);
            }
            send(ex, status, body);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static ObjectNode error(int status, String message) {
        return JSON.createObjectNode().put("error", message).put("status", status);
    }

    private static void send(HttpExchange ex, int status, Object body) {
        try {
            byte[] b = JSON.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream os = ex.getResponseBody()) { os.write(b); }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private Object route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/health")) {
            requireMethod(method, "GET", path);
            return health();
        }
        if (!List.of("/embed/text", "/embed/image", "/zero-shot", "/search").contains(path)) {
            throw new HttpError(404, "no endpoint " + path + " (GET /health; POST /embed/text, /embed/image, /zero-shot, /search)");
        }
        requireMethod(method, "POST", path);
        byte[] body = readBody(ex);
        Map<String, List<String>> q = query(ex);
        return switch (path) {
            case "/embed/text" -> embedText(body);
            case "/embed/image" -> embedImage(body);
            case "/zero-shot" -> zeroShot(body, q);
            default -> search(ex, body, q);
        };
    }

    private static void requireMethod(String got, String want, String path) {
        if (!got.equals(want)) throw new HttpError(405, path + " takes " + want + ", not " + got);
    }

    private byte[] readBody(HttpExchange ex) throws IOException {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        if (cl != null) {
            long n;
            try { n = Long.parseLong(cl.strip()); } catch (NumberFormatException e) { throw new HttpError(400, "bad Content-Length '" + cl + "'"); }
            if (n > limits.maxBodyBytes()) {
                drain(ex.getRequestBody());
                throw new HttpError(413, "body of " + n + " bytes exceeds the limit of " + limits.maxBodyBytes() + " bytes");
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limits.maxBodyBytes() + 1));
            if (b.length > limits.maxBodyBytes()) {
                drain(in);
                throw new HttpError(413, "body exceeds the limit of " + limits.maxBodyBytes() + " bytes");
            }
            return b;
        }
    }

    /** Bytes of a refused body read and dropped so the client gets the 413 instead of a reset connection. */
    private static final long DRAIN_BYTES = 64L << 20;

    /**
     * Reads and drops what is left of a refused body, up to {@link #DRAIN_BYTES}: closing a socket with
     * unread input makes the kernel reset the connection, and the client never sees the answer.
     */
    private static void drain(InputStream in) {
        try {
            long left = DRAIN_BYTES;
            byte[] buf = new byte[8192];
            for (int r; left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0; ) left -= r;
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static Map<String, List<String>> query(HttpExchange ex) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) return out;
        for (String kv : raw.split("&")) {
            if (kv.isEmpty()) continue;
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static JsonNode parseJson(byte[] body) {
        if (body.length == 0) throw new HttpError(400, "empty body: expected a JSON object");
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) throw new HttpError(400, "expected a JSON object, got " + (n == null ? "nothing" : n.getNodeType()));
            return n;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "malformed JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new HttpError(400, "cannot read the body: " + e.getMessage());
        }
    }

    // ---- endpoints ----

    private ObjectNode health() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", stopping ? "stopping" : "ok").put("model", modelName).put("dim", embedder.dim())
                .put("text", embedder.hasTokenizer()).put("batching", batching).put("in_flight", inFlight.get() - 1);
        if (index != null) n.put("index_size", index.size());
        return n;
    }

    private ObjectNode embedText(byte[] body) {
        JsonNode n = parseJson(body);
        JsonNode t = n.get("texts");
        if (t == null || !t.isArray()) throw new HttpError(400, "expected {\"texts\": [\"...\", ...]}");
        if (t.isEmpty()) throw new HttpError(400, "'texts' is empty");
        if (t.size() > limits.maxTexts()) throw new HttpError(413, t.size() + " texts exceed the limit of " + limits.maxTexts() + " per request");
        List<String> list = new ArrayList<>();
        for (JsonNode e : t) {
            if (!e.isTextual()) throw new HttpError(400, "'texts' must hold strings, found " + e.getNodeType());
            list.add(e.asText());
        }
        float[][] v = textVectors(list);
        ObjectNode out = JSON.createObjectNode().put("dim", embedder.dim());
        ArrayNode a = out.putArray("embeddings");
        for (float[] r : v) vector(a.addArray(), r);
        return out;
    }

    private ObjectNode embedImage(byte[] body) {
        float[] v = imageVector(body);
        ObjectNode out = JSON.createObjectNode().put("dim", embedder.dim());
        vector(out.putArray("embedding"), v);
        return out;
    }

    private ObjectNode zeroShot(byte[] body, Map<String, List<String>> q) {
        List<String> classes = new ArrayList<>();
        for (String c : q.getOrDefault("classes", List.of())) for (String s : c.split(",")) if (!s.isBlank()) classes.add(s.strip());
        if (classes.size() < 2) throw new HttpError(400, "give at least two classes: ?classes=cat,dog");
        List<String> templates = q.getOrDefault("template", List.of("a photo of a {}."));
        if (classes.size() * templates.size() > limits.maxTexts()) {
            throw new HttpError(413, classes.size() + " classes x " + templates.size() + " templates exceed the limit of " + limits.maxTexts() + " prompts");
        }
        for (String t : templates) if (!t.contains("{}")) throw new HttpError(400, "template '" + t + "' has no {} for the class name");
        float[] img = imageVector(body);
        float[][] w = classifiers.computeIfAbsent(classes + "|" + templates, k -> classifier(classes, templates));
        if (classifiers.size() > 256) classifiers.clear();
        double[] logits = new double[classes.size()];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < logits.length; i++) { logits[i] = logitScale * ClipEmbedder.dot(img, w[i]); max = Math.max(max, logits[i]); }
        for (int i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode a = out.putArray("results");
        for (int i : order) a.addObject().put("label", classes.get(i)).put("probability", Math.exp(logits[i] - max) / sum);
        return out;
    }

    /** Per class: the mean of its template embeddings, re-normalised (CLIP's prompt ensemble, as {@link ZeroShotClassifier}). */
    private float[][] classifier(List<String> classes, List<String> templates) {
        List<String> prompts = new ArrayList<>();
        for (String c : classes) for (String t : templates) prompts.add(t.replace("{}", c));
        float[][] e = textVectors(prompts);
        float[] flat = new float[e.length * embedder.dim()];
        for (int i = 0; i < e.length; i++) System.arraycopy(e[i], 0, flat, i * embedder.dim(), embedder.dim());
        Features w = ZeroShotClassifier.fromPrompts(classes, new Features(flat, e.length, embedder.dim()), templates.size()).weights();
        return split(w.data(), classes.size(), embedder.dim()).toArray(float[][]::new);
    }

    private ObjectNode search(HttpExchange ex, byte[] body, Map<String, List<String>> q) {
        if (index == null) throw new HttpError(404, "no index loaded (start the server with --index INDEX)");
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        int top = intParam(q, "top", 10);
        float[] v;
        String query;
        if (type.startsWith("application/json")) {
            JsonNode n = parseJson(body);
            if (!n.path("text").isTextual()) throw new HttpError(400, "expected {\"text\": \"...\"} (or image bytes as the body)");
            query = n.get("text").asText();
            if (n.has("top")) top = n.get("top").asInt(-1);
            v = textVectors(List.of(query))[0];
        } else {
            query = "image";
            v = imageVector(body);
        }
        if (top < 1 || top > 1000) throw new HttpError(400, "'top' must be 1..1000, got " + top);
        List<VectorIndex.Hit> hits = index.search(v, top, Math.max(100, top));
        ObjectNode out = JSON.createObjectNode().put("query", query);
        ArrayNode a = out.putArray("results");
        for (VectorIndex.Hit h : hits) a.addObject().put("path", h.key()).put("score", h.score());
        return out;
    }

    private static int intParam(Map<String, List<String>> q, String name, int dflt) {
        List<String> v = q.get(name);
        if (v == null) return dflt;
        try { return Integer.parseInt(v.getFirst()); } catch (NumberFormatException e) { throw new HttpError(400, "'" + name + "' must be an integer, got '" + v.getFirst() + "'"); }
    }

    // ---- model calls ----

    private float[] imageVector(byte[] body) {
        if (body.length == 0) throw new HttpError(400, "empty body: send the image file's bytes");
        int[] wh = ImageDecoder.probeSize(body, "upload");
        if ((long) wh[0] * wh[1] > limits.maxPixels()) {
            throw new HttpError(413, "image of " + wh[0] + "x" + wh[1] + " pixels exceeds the limit of " + limits.maxPixels() + " pixels");
        }
        float[] chw = embedder.preprocess(ImageInput.of(body, "upload"));
        checkModelOpen();
        if (!batching) return embedder.embedPreprocessed(chw, 1);
        return join(images.submit(chw));
    }

    private float[][] textVectors(List<String> list) {
        if (!embedder.hasTokenizer()) throw new HttpError(400, "this model has no tokenizer (start the server with --vocab)");
        checkModelOpen();
        if (!batching) return embedder.embedTexts(list);
        List<CompletableFuture<float[]>> fs = new ArrayList<>();
        for (String s : list) fs.add(texts.submit(s));
        float[][] out = new float[list.size()][];
        for (int i = 0; i < out.length; i++) out[i] = join(fs.get(i));
        return out;
    }

    private void checkModelOpen() {
        if (modelClosed) throw new HttpError(503, "the server is shutting down");
    }

    private static float[] join(CompletableFuture<float[]> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    private static void vector(ArrayNode a, float[] v) {
        for (float x : v) a.add(x);
    }

    /**
     * Stops accepting, waits up to {@code graceSeconds} for in-flight requests, then refuses the
     * model to requests that have not reached it yet (503) and waits for the model calls already
     * running (a native forward pass cannot be interrupted): when this returns, nothing uses the
     * model any more and the caller may free it.
     */
    void close(int graceSeconds) {
        stopping = true;
        server.stop(graceSeconds);
        if (images != null) images.close();
        if (texts != null) texts.close();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
                modelClosed = true;
                while (!pool.awaitTermination(1, TimeUnit.SECONDS)) { /* model calls in progress end by themselves */ }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override public void close() { close(10); }
}
