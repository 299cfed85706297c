package dev.jclip.io;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.DecodedImage;
import dev.jclip.image.ImageDecodeException;
import dev.jclip.image.ImageDecoder;
import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded fuzzing of the safetensors parser, the zip and pickle readers and the image decoder
 * (with the CLIP resampler) by {@link MutationFuzzer}: every mutated input must be read or
 * refused with a one-line CheckpointException / ImageDecodeException, never another exception,
 * an Error or a JVM crash. CI runs 1.5 s per target; set {@code JCLIP_FUZZ_SECONDS} (or
 * {@code -Djclip.fuzz.seconds}) for a longer run, whose figures are in docs/checkpoint-io.md.
 */
class ReaderFuzzTest {
    private static final double SECONDS = Double.parseDouble(System.getProperty("jclip.fuzz.seconds",
            System.getenv().getOrDefault("JCLIP_FUZZ_SECONDS", "1.5")));
    private static final long SEED = Long.getLong("jclip.fuzz.seed", 17);
    private static final Path FIXTURES = Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures"));

    @TempDir Path dir;

    /** libtorch loads on first use (seconds): before any budget starts. */
    @org.junit.jupiter.api.BeforeAll static void loadLibTorch() {
        try (Scope s = Scope.open()) { dev.jclip.torch.Torch.zeros(DType.F32, 1).sum(); }
    }

    private static void check(MutationFuzzer.Report r, @SuppressWarnings("unused") long rssBefore) {
        long peak = r.maxInputRss();
        System.out.println("fuzz " + r.line());
        if (r.maxRssInput() != null && peak > (256L << 20)) {
            try {
                Path keep = Path.of("target", "fuzz-largest-" + r.target().replaceAll("[^a-z]+", "-") + ".bin");
                Files.write(keep, r.maxRssInput());
                System.out.println("  kept the input with the largest RSS growth as " + keep);
            } catch (IOException ignored) { }
        }
        r.crashes().forEach((k, v) -> System.out.println("  crash: " + k + " (input of " + v.length + " bytes)"));
        assertTrue(r.crashes().isEmpty(), r.target() + ": " + r.crashes().keySet());
        assertTrue(peak < (1L << 30), r.target() + ": one input grew the peak RSS by " + (peak >> 20) + " MiB");
    }

    /** Reads every tensor of a StateDict the way users do: shapes, bytes, and small ones through libtorch. */
    private static void touch(StateDict sd) {
        for (String name : sd.names()) {
            TensorData t = sd.get(name);
            long bytes = t.storage().byteSize();
            if (bytes > 0) t.storage().get(ValueLayout.JAVA_BYTE, bytes - 1);
            long numel = 1;
            for (long s : t.shape()) numel *= s;
            if (numel <= 4096) {
                try (Scope s = Scope.open()) { t.toTensor().sum(); }
            }
        }
    }

    @Test void safetensorsParser() throws IOException {
        List<byte[]> seeds = MutationFuzzer.seeds();
        try (Arena a = Arena.ofConfined()) {
            Map<String, TensorData> t = new LinkedHashMap<>();
            t.put("w", TensorData.contiguous(DType.F32, new long[]{2, 3}, a.allocate(24)));
            t.put("ids", TensorData.contiguous(DType.I64, new long[]{4}, a.allocate(32)));
            t.put("h", TensorData.contiguous(DType.BF16, new long[]{1, 1}, a.allocate(2)));
            Path f = dir.resolve("seed.safetensors");
            Safetensors.write(f, t, Map.of("format", "pt", "config", "{\"embed_dim\": 8}"));
            seeds.add(Files.readAllBytes(f));
            Safetensors.write(f, Map.of(), Map.of("only", "metadata"));
            seeds.add(Files.readAllBytes(f));
        }
        fuzzCheckpointLoad("safetensors", seeds, dir.resolve("fuzz.safetensors"));
    }

    /** Mutations of {@code seeds} written to {@code file} and read by {@code Checkpoints.load}: only CheckpointExceptions. */
    private static void fuzzCheckpointLoad(String label, List<byte[]> seeds, Path file) {
        long before = PeakRss.reset();
        MutationFuzzer.Report r = new MutationFuzzer(seeds, SEED).run(label, SECONDS, in -> {
            Files.write(file, in);
            try (StateDict sd = Checkpoints.load(file)) { touch(sd); }
        }, e -> e instanceof CheckpointException);
        check(r, before);
    }

    @Test void torchZipAndPickleReaders() throws IOException {
        List<byte[]> seeds = MutationFuzzer.seeds();
        try (Arena a = Arena.ofConfined()) {
            Map<String, TensorData> t = new LinkedHashMap<>();
            t.put("visual.proj", TensorData.contiguous(DType.F32, new long[]{2, 2}, a.allocate(16)));
            t.put("logit_scale", TensorData.contiguous(DType.F32, new long[]{}, a.allocate(4)));
            Path f = dir.resolve("seed.pt");
            TorchZipWriter.write(f, t);
            seeds.add(Files.readAllBytes(f));
        }
        Path g = dir.resolve("seed2.pt");
        BrokenFilesTest.writeZip(g, Map.of("archive/data.pkl", BrokenFilesTest.tensorPickle(p -> p, "HalfStorage", 6,
                new long[]{2, 3}, new long[]{3, 1}, 0), "archive/data/0", new byte[12], "archive/byteorder", "little".getBytes()));
        seeds.add(Files.readAllBytes(g));
        fuzzCheckpointLoad("torch.save zip", seeds, dir.resolve("fuzz.pt"));
    }

    @Test void unpickler() throws IOException {
        List<byte[]> seeds = MutationFuzzer.seeds(BrokenFilesTest.tensorPickle(p -> p, "FloatStorage", 4, new long[]{2, 2},
                new long[]{2, 1}, 0));
        for (String m : new String[]{"state_dict.pt", "jit.pt"}) {
            try (Arena a = Arena.ofConfined()) {
                seeds.add(ZipStore.open(FIXTURES.resolve("models/vit_a").resolve(m), a).bytes("data.pkl", null));
            }
        }
        long before = PeakRss.reset();
        boolean[] script = {false};
        MutationFuzzer.Report r = new MutationFuzzer(seeds, SEED).run("pickle", SECONDS, in -> {
            script[0] = !script[0];
            try (Arena a = Arena.ofConfined()) {
                TorchUnpickler u = new TorchUnpickler(Path.of("fuzz.pt"), "archive/data.pkl", (key, dtype, numel) -> {
                    if (numel < 0 || numel > (1 << 20)) throw new CheckpointException(Path.of("fuzz.pt"), "storage of " + numel + " elements");
                    return a.allocate(Math.max(1, numel * dtype.byteSize())).asSlice(0, numel * dtype.byteSize());
                }, script[0]);
                u.load(in);
            }
        }, e -> e instanceof CheckpointException);
        check(r, before);
    }

    @Test void imageDecoderAndResampler() throws IOException {
        List<byte[]> seeds = MutationFuzzer.seeds();
        for (String f : new String[]{"rgb_73x64.png", "palette_50x80.png", "gray_17x333.png", "rgba_120x90.png", "photo_120x80_q90.jpg"}) {
            seeds.add(Files.readAllBytes(FIXTURES.resolve("preprocess").resolve(f)));
        }
        for (String fmt : new String[]{"gif", "bmp"}) {
            BufferedImage im = new BufferedImage(9, 7, fmt.equals("gif") ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_INT_RGB);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(im, fmt, b);
            seeds.add(b.toByteArray());
        }
        ClipPreprocess pre = new ClipPreprocess(24);
        long before = PeakRss.reset();
        MutationFuzzer.Report r = new MutationFuzzer(seeds, SEED).run("image decode+resize", SECONDS, in -> {
            DecodedImage img = ImageDecoder.defaults().decode(in, "fuzz.img");
            pre.preprocess(img);
        }, e -> e instanceof ImageDecodeException || e instanceof IllegalArgumentException && e.getMessage() != null
                && e.getMessage().contains("pixels"));
        check(r, before);
    }
}
