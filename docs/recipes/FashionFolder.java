import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Writes a caption folder (x.png + x.txt) from Fashion-MNIST's training split, the first PER_CLASS
 * images of each class, for the fine-tuning recipe in docs/training.md:
 *
 *   java docs/recipes/FashionFolder.java /usr/share/datasets/fashion-mnist OUT 200
 *
 * Captions vary the wording ("a photo of a dress", "a dress, black and white", ...), so that the
 * model learns the class words rather than one sentence.
 */
public class FashionFolder {
    static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");
    static final List<String> CAPTIONS = List.of("a photo of a %s", "a %s", "a black and white photo of a %s",
            "a %s, black and white", "a small photo of a %s");

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]), out = Files.createDirectories(Path.of(args[1]));
        int perClass = Integer.parseInt(args[2]);
        byte[] px = read(dir.resolve("train-images-idx3-ubyte.gz"), 16), lb = read(dir.resolve("train-labels-idx1-ubyte.gz"), 8);
        int[] count = new int[10];
        Random r = new Random(0);
        for (int i = 0; i < lb.length; i++) {
            int c = lb[i];
            if (count[c] >= perClass) continue;
            count[c]++;
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, java.util.Arrays.copyOfRange(px, i * 784, (i + 1) * 784));
            String name = String.format("%05d", i);
            ImageIO.write(img, "png", out.resolve(name + ".png").toFile());
            Files.writeString(out.resolve(name + ".txt"), String.format(CAPTIONS.get(r.nextInt(CAPTIONS.size())), CLASSES.get(c)));
        }
        System.out.println("wrote " + java.util.Arrays.stream(count).sum() + " pairs to " + out);
    }

    /** The payload of a gzipped IDX file after its header. */
    static byte[] read(Path f, int header) throws Exception {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(f)))) {
            in.skipNBytes(header);
            return in.readAllBytes();
        }
    }
}
