package dev.jclip.samples;

import dev.jclip.model.ClipArchitecture;
import dev.jclip.text.ClipTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clip train} under a launcher's variables, two JVMs on 127.0.0.1: rank 0 alone writes the
 * checkpoint and metrics; a run stopped early (by {@code --max-minutes}, which rank 0 decides for
 * both) and resumed by both ranks from rank 0's checkpoint ends bit for bit where an uninterrupted
 * run ends.
 */
class TrainCommandDistTest {
    static final ClipArchitecture ARCH = ClipArchitecture.vit(16, 16, 1, 64, 8, 24, ClipTokenizer.bytesOnly().vocabulary().size(), 32, 2, 1);
    static final String[] COLOURS = {"red", "green", "blue", "yellow"};

    /** 32 captioned 16 px pictures: a coloured square in one of four places. */
    static Path data(Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("data"));
        Color[] cs = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        for (int i = 0; i < 32; i++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(cs[i % 4]);
            g.fillRect((i / 4 % 2) * 8, (i / 8 % 2) * 8, 8, 8);
            g.dispose();
            ImageIO.write(img, "png", d.resolve("img" + i + ".png").toFile());
            Files.writeString(d.resolve("img" + i + ".txt"), "a " + COLOURS[i % 4] + " square " + (i / 4 % 2 == 0 ? "left" : "right")
                    + (i / 8 % 2 == 0 ? " top" : " bottom"));
        }
        return d;
    }

    record Exit(int code, String log) {}

    /** Two ranks of {@code clip train ARGS}; returns each rank's exit. */
    static List<Exit> twoRanks(Path dir, String tag, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        List<Process> ps = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    ClipCommand.class.getName(), "train"));
            cmd.addAll(List.of(args));
            Path log = dir.resolve(tag + ".rank" + r + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            var env = pb.environment();
            env.put("RANK", "" + r);
            env.put("LOCAL_RANK", "" + r);
            env.put("WORLD_SIZE", "2");
            env.put("MASTER_ADDR", "127.0.0.1");
            env.put("MASTER_PORT", "" + port);
            env.put("OMP_NUM_THREADS", "1");
            ps.add(pb.start());
            logs.add(log);
        }
        List<Exit> out = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            if (!ps.get(r).waitFor(90, TimeUnit.SECONDS)) {
                ps.forEach(Process::destroyForcibly);
                throw new AssertionError(tag + ": rank " + r + " still running:\n" + Files.readString(logs.get(r)));
            }
            out.add(new Exit(ps.get(r).exitValue(), Files.readString(logs.get(r))));
        }
        for (int r = 0; r < 2; r++) assertEquals(0, out.get(r).code(), tag + ": rank " + r + " failed:\n" + out.get(r).log());
        return out;
    }

    @Test void rankZeroWritesAndBothRanksResumeBitForBit(@TempDir Path dir) throws Exception {
        Path data = data(dir);
        Path model = dir.resolve("tiny.json");
        Files.writeString(model, ARCH.toJson());
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        List<String> common = List.of("--data", data.toString(), "--model", model.toString(), "--batch", "8", "--steps", "4",
                "--lr", "2e-3", "--warmup", "1", "--log-every", "1", "--no-progress", "--dist", "--dist-timeout", "60");

        List<Exit> a = twoRanks(dir, "straight", args(common, "--out", straight.toString()));
        assertTrue(a.get(0).log().contains("\"world_size\":2,\"global_batch\":16"), a.get(0).log());
        assertFalse(a.get(1).log().contains("\"steps\""), "only rank 0 prints the report:\n" + a.get(1).log());
        List<String> metrics = Files.readAllLines(straight.resolve("metrics.jsonl"));
        assertEquals(4, metrics.size(), "one record per step, written by rank 0 only: " + metrics);
        assertTrue(Files.isRegularFile(straight.resolve("loss.png")));

        // Stopped by the time limit after the first step (rank 0's verdict, broadcast), then resumed.
        twoRanks(dir, "first", args(common, "--out", resumed.toString(), "--max-minutes", "1e-9"));
        assertEquals(1, new dev.jclip.train.RunFolder(resumed).latestState().get("step").asInt());
        twoRanks(dir, "rest", args(common, "--out", resumed.toString(), "--resume"));

        Path a4 = new dev.jclip.train.RunFolder(straight).latest(), b4 = new dev.jclip.train.RunFolder(resumed).latest();
        for (String f : List.of("model.safetensors", "train_state.safetensors")) {
            assertArrayEquals(Files.readAllBytes(a4.resolve(f)), Files.readAllBytes(b4.resolve(f)), f + " differs after resume");
        }
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")));
    }

    private static String[] args(List<String> common, String... more) {
        List<String> l = new ArrayList<>(common);
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }
}
