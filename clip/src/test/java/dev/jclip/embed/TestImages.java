package dev.jclip.embed;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated images (seeded noise in different sizes and formats) and the fixture model. */
final class TestImages {
    private TestImages() {}

    static Path fixtureModel() {
        Path p = Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("models/vit_a/model.safetensors");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p), "fixture " + p + " not found");
        return p;
    }

    static BufferedImage noise(long seed, int w, int h) {
        Random r = new Random(seed);
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) bi.setRGB(x, y, r.nextInt(1 << 24));
        return bi;
    }

    /** Writes {@code n} images (PNG and JPEG alternating) named {@code img-NN} under {@code dir}. */
    static List<Path> write(Path dir, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String fmt = i % 2 == 0 ? "png" : "jpg";
            Path p = dir.resolve(String.format("img-%02d.%s", i, fmt));
            ImageIO.write(noise(seed + i, 40 + 3 * i, 36 + 2 * i), fmt.equals("jpg") ? "jpeg" : "png", p.toFile());
            out.add(p);
        }
        return out;
    }
}
