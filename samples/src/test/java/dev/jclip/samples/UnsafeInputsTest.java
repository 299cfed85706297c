package dev.jclip.samples;

import dev.jclip.torch.LibTorch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17 at the command line: an output that is an input is refused (also through a link) and
 * the file is left untouched (item 4); bad options and bad text files get one line naming the
 * option, file and line (items 10, 11); all before any model is loaded.
 */
class UnsafeInputsTest {
    @TempDir Path dir;

    /** Runs {@code clip args...} as main does; returns {exit code, stderr}. */
    private static Object[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = ClipCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new Object[]{rc, err.toString()};
    }

    private static String refused(String expected, String... args) {
        Object[] r = run(args);
        String err = ((String) r[1]).strip();
        assertEquals(1, r[0], err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(expected), "'" + expected + "' in: " + err);
        return err;
    }

    @Test void embedOutputThatIsTheCheckpointIsRefusedAndTheModelKept() throws Exception {
        Path model = Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3, 4});
        Path texts = Files.writeString(dir.resolve("t.txt"), "a dog\n");
        refused("--out " + model + " is the input --checkpoint " + model, "embed", "--checkpoint", model.toString(),
                "--texts", texts.toString(), "--out", model.toString());
        Path link = Files.createSymbolicLink(dir.resolve("features.safetensors"), model);
        refused("(through a link)", "embed", "--checkpoint", model.toString(), "--texts", texts.toString(), "--out", link.toString());
        refused("is the input --texts", "embed", "--checkpoint", model.toString(), "--texts", texts.toString(),
                "--out", dir.resolve(".").resolve("t.txt").toString());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, Files.readAllBytes(model));
        assertEquals("a dog\n", Files.readString(texts));
    }

    @Test void preprocessAndConvertOutputsThatAreInputsAreRefused() throws Exception {
        Path png = Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("preprocess/rgb_73x64.png");
        Path img = Files.copy(png, dir.resolve("cat.png"));
        byte[] before = Files.readAllBytes(img);
        refused("--out " + img + " is the input IMAGES " + img, "preprocess", "--size", "32", "--out", img.toString(), img.toString());
        Path hard = Files.createLink(dir.resolve("hard.png"), img);
        refused("(the same file by another name)", "preprocess", "--size", "32", "--out", hard.toString(), img.toString());
        assertArrayEquals(before, Files.readAllBytes(img));
        refused("OUT " + img + " is the input IN " + img, "convert", img.toString(), img.toString());
        assertArrayEquals(before, Files.readAllBytes(img));
    }

    @Test void optionsOutOfRangeNameTheOption() throws Exception {
        Path img = Files.copy(Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("preprocess/rgb_73x64.png"),
                dir.resolve("a.png"));
        refused("--size 100000: an output of n_px 100000 is 100000x100000", "preprocess", "--size", "100000",
                "--out", dir.resolve("o.safetensors").toString(), img.toString());
        Path texts = Files.writeString(dir.resolve("t.txt"), "a dog\n");
        refused("--batch must be in [1, 65536], got 2147483647", "embed", "--checkpoint", img.toString(), "--texts", texts.toString(),
                "--out", dir.resolve("o.safetensors").toString(), "--batch", "2147483647");
        Assumptions.assumeFalse(LibTorch.get().isCudaBuild(), "CPU build only");
        refused("CUDA is not available in this build", "embed", "--checkpoint", img.toString(), "--texts", texts.toString(),
                "--out", dir.resolve("o.safetensors").toString(), "--device", "cuda");
    }

    @Test void badTextFilesNameTheLine() throws Exception {
        Path model = Files.write(dir.resolve("m.safetensors"), new byte[]{1});
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[]{'o', 'k', '\n', 'a', (byte) 0xff, 'b', '\n'});
        refused("--texts " + bad + " line 2: invalid UTF-8 at byte 2", "embed", "--checkpoint", model.toString(),
                "--texts", bad.toString(), "--out", dir.resolve("o.safetensors").toString());
        Path gap = Files.writeString(dir.resolve("gap.txt"), "a dog\n\na cat\n");
        refused("--texts " + gap + " line 2 is empty", "embed", "--checkpoint", model.toString(),
                "--texts", gap.toString(), "--out", dir.resolve("o.safetensors").toString());
    }
}
