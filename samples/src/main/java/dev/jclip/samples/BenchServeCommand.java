package dev.jclip.samples;

import dev.jclip.embed.ClipEmbedder;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code clip bench serve}: a load generator against {@code clip serve}'s {@code POST /embed/image}
 * on loopback (in-process server, random-weight model): 1, 8 and 32 client threads, each sending
 * its next request when the last one answered, for a few seconds each, with dynamic batching on
 * and off; prints requests/s, latency p50/p99 and errors.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serving load test: 1/8/32 clients, dynamic batching on vs off, requests/s, p50/p99, errors.")
public final class BenchServeCommand implements Callable<Integer> {
    @Option(names = "--clients", split = ",", defaultValue = "1,8,32", description = "Client counts (default ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rounds", defaultValue = "2", description = "Alternating on/off rounds per client count (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--model", defaultValue = "ViT-B/32", description = "fixture or ViT-B/32 (random weights; default ${DEFAULT-VALUE}).")
    String model;

    @Override public Integer call() throws Exception {
        ClipArchitecture a = model.equals("fixture") ? ClipArchitecture.vit(32, 32, 1, 64, 4, 77, 64, 64, 1, 2) : ClipArchitecture.released(model);
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        ImageIO.write(BenchEmbedCommandImages.one(), "jpeg", jpg);
        byte[] body = jpg.toByteArray();
        System.out.println("POST /embed/image of a " + body.length + "-byte 320x240 JPEG, " + model + " (random weights), loopback, "
                + seconds + " s per run; " + Runtime.getRuntime().availableProcessors() + " cores, shared machine (compare within this run)");
        System.out.println(String.format(Locale.ROOT, "%-9s %8s %10s %9s %9s %7s %10s", "batching", "clients", "req/s", "p50 ms", "p99 ms", "errors", "mean batch"));
        try (ClipModel m = ClipModel.initialized(a, 0, DType.F32, Device.CPU)) {
            m.eval();
            ClipEmbedder e = new ClipEmbedder(m, new ClipPreprocess(a.imageResolution()), null);
            // both servers live side by side; runs alternate on/off so that load from other sessions hits both alike
            ClipServer on = new ClipServer(e, null, model, ClipServer.Limits.defaults(), true, "127.0.0.1", 0, 64);
            ClipServer off = new ClipServer(e, null, model, ClipServer.Limits.defaults(), false, "127.0.0.1", 0, 64);
            try {
                load(on.port(), body, 2, 1);   // warm-up
                load(off.port(), body, 2, 1);
                for (int c : clients) {
                    for (int round = 0; round < rounds; round++) {
                        for (ClipServer server : new ClipServer[]{on, off}) {
                            server.resetStats();
                            double[] r = load(server.port(), body, seconds, c);
                            boolean batching = server == on;
                            System.out.println(String.format(Locale.ROOT, "%-9s %8d %10.1f %9.1f %9.1f %7d %10s", batching ? "on" : "off", c,
                                    r[0], r[1], r[2], (long) r[3], batching ? String.format(Locale.ROOT, "%.1f", server.meanImageBatch()) : "1"));
                        }
                    }
                }
            } finally {
                on.close(5);
                off.close(5);
            }
        }
        return 0;
    }

    /** {req/s, p50 ms, p99 ms, errors}. */
    static double[] load(int port, byte[] body, int seconds, int clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/embed/image"))
                .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(60)).build();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Double>>> fs = new ArrayList<>();
        long[] errors = new long[clients];
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int id = c;
            fs.add(pool.submit(() -> {
                List<Double> lat = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) errors[id]++;
                    } catch (java.io.IOException e) {
                        errors[id]++;
                    }
                    lat.add((System.nanoTime() - s) / 1e6);
                }
                return lat;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : fs) all.addAll(f.get());
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        double[] v = all.stream().mapToDouble(Double::doubleValue).toArray();
        long err = 0;
        for (long x : errors) err += x;
        return new double[]{all.size() / elapsed, BenchSearchCommand.pct(v, 50), BenchSearchCommand.pct(v, 99), err};
    }
}

/** One 320x240 test photo-like image. */
final class BenchEmbedCommandImages {
    private BenchEmbedCommandImages() {}

    static java.awt.image.BufferedImage one() {
        java.awt.image.BufferedImage bi = new java.awt.image.BufferedImage(320, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = bi.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, java.awt.Color.ORANGE, 320, 240, java.awt.Color.BLUE));
        g.fillRect(0, 0, 320, 240);
        g.setColor(java.awt.Color.GREEN);
        g.fillOval(60, 40, 120, 90);
        g.dispose();
        return bi;
    }
}
