package dev.jclip.samples;

import dev.jclip.embed.BulkEmbedder;
import dev.jclip.embed.ClipEmbedder;
import dev.jclip.embed.ImageSources;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.ClipModel;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code clip bench embed}: bulk-embedding throughput ({@link BulkEmbedder}) on generated 640x480
 * JPEGs with a fixture-sized and a ViT-B/32-sized model (random weights: throughput does not
 * depend on them), 1 decoding worker against N, side by side in one run; prints images/s and the
 * share of the time the model thread waited for decoded images.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Bulk-embedding throughput: 1 vs N decode workers, fixture-sized and ViT-B/32-sized models.")
public final class BenchEmbedCommand implements Callable<Integer> {
    @Option(names = "--images", defaultValue = "1000", description = "Generated 640x480 JPEGs (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--folder", description = "Where to write them (default: a temp folder, deleted after).")
    Path folder;

    @Option(names = "--workers", split = ",", description = "Worker counts to compare (default: 1 and cores - 1, at least 2).")
    List<Integer> workers;

    @Option(names = "--models", split = ",", defaultValue = "fixture,ViT-B/32", description = "fixture (vit_a sized, 32 px) and/or ViT-B/32 (default ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--batch", defaultValue = "64", description = "Model batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Override public Integer call() throws Exception {
        Path dir = folder != null ? folder : Files.createTempDirectory("jclip-bench-embed");
        try {
            generate(dir, count);
            List<Integer> ws = workers != null ? workers : List.of(1, Math.max(2, Runtime.getRuntime().availableProcessors() - 1));
            System.out.println("bulk embedding of " + count + " generated 640x480 JPEGs, batch " + batch + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores (shared machine: compare ratios within this run)");
            System.out.println(String.format(Locale.ROOT, "%-10s %8s %10s %12s %10s", "model", "workers", "images/s", "model waits", "seconds"));
            for (String name : models) {
                ClipArchitecture a = switch (name) {
                    case "fixture" -> ClipArchitecture.vit(32, 32, 1, 64, 4, 77, 64, 64, 1, 2);
                    case "ViT-B/32" -> ClipArchitecture.released("ViT-B/32");
                    default -> throw new IllegalArgumentException("--models: fixture or ViT-B/32, got " + name);
                };
                try (ClipModel m = ClipModel.initialized(a, 0, DType.F32, Device.CPU)) {
                    m.eval();
                    ClipEmbedder e = new ClipEmbedder(m, new ClipPreprocess(a.imageResolution()), null);
                    ImageSources src = ImageSources.of(List.of(dir.toString()), null);
                    new BulkEmbedder(e, batch, 1).run(ImageSources.of(List.of(dir + "/img-000[0-3]*.jpg"), null), k -> false, (k, v) -> {}, (k, why) -> {}, -1);   // warm-up
                    for (int w : ws) {
                        BulkEmbedder.Stats s = new BulkEmbedder(e, batch, w).run(src, k -> false, (k, v) -> {}, (k, why) -> {}, count);
                        System.out.println(String.format(Locale.ROOT, "%-10s %8d %10.1f %11.0f%% %10.1f", name, w, s.imagesPerSecond(),
                                100 * s.waitShare(), s.elapsedSeconds()));
                    }
                }
            }
        } finally {
            if (folder == null) {
                try (var s = Files.walk(dir)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }

    /** Smooth gradients with shapes (compress like photos, unlike noise). */
    static void generate(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            Path p = dir.resolve(String.format("img-%05d.jpg", i));
            if (Files.exists(p)) continue;
            BufferedImage bi = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = bi.createGraphics();
            g.setPaint(new java.awt.GradientPaint(0, 0, new Color(r.nextInt(1 << 24)), 640, 480, new Color(r.nextInt(1 << 24))));
            g.fillRect(0, 0, 640, 480);
            for (int k = 0; k < 6; k++) {
                g.setColor(new Color(r.nextInt(1 << 24)));
                g.fillOval(r.nextInt(600), r.nextInt(440), 20 + r.nextInt(200), 20 + r.nextInt(200));
            }
            g.dispose();
            ImageIO.write(bi, "jpeg", p.toFile());
        }
    }
}
