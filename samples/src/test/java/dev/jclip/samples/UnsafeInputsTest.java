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
import java.util.List;

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

    @Test void evalOutputThatIsOrWritesIntoAnInputIsRefused() throws Exception {
        Path model = Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3, 4});
        Path root = Files.createDirectories(dir.resolve("pets"));
        Path cat = Files.copy(fixture(), Files.createDirectories(root.resolve("cat")).resolve("a.png"));
        byte[] before = Files.readAllBytes(cat);
        String ck = model.toString();
        refused("--out " + root + " is the input --folder " + root, "eval", "--checkpoint", ck, "--folder", root.toString(), "--out", root.toString());
        refused("--out " + root.resolve("eval") + " is inside the input --folder " + root, "eval", "--checkpoint", ck,
                "--folder", root.toString(), "--out", root.resolve("eval").toString());
        Path link = Files.createSymbolicLink(dir.resolve("pets-link"), root);
        refused("is inside the input --train " + root, "eval", "--checkpoint", ck, "--folder", Files.createDirectories(dir.resolve("test")).toString(), "--train", root.toString(),
                "--out", link.resolve("eval").toString());
        refused("--out " + model + " is the input --checkpoint " + model, "eval", "--checkpoint", ck, "--captions", root.toString(), "--out", ck);
        Path templates = Files.writeString(Files.createDirectories(dir.resolve("out")).resolve("report.json"), "a {}\n");
        refused("--out " + dir.resolve("out") + " would overwrite the input --templates " + templates, "eval", "--checkpoint", ck,
                "--folder", root.toString(), "--templates", templates.toString(), "--out", dir.resolve("out").toString());
        // A folder that merely holds the model is fine: eval writes only its own file names (here it then fails to load the 4-byte model).
        String ok = (String) run("eval", "--checkpoint", ck, "--folder", root.toString(), "--out", dir.toString())[1];
        assertFalse(ok.contains("refusing"), ok);
        assertArrayEquals(new byte[]{1, 2, 3, 4}, Files.readAllBytes(model));
        assertArrayEquals(before, Files.readAllBytes(cat));
        assertEquals("a {}\n", Files.readString(templates));
        try (var s = Files.list(root)) { assertEquals(List.of(root.resolve("cat")), s.toList()); }
    }

    @Test void indexOutputThatIsOrHoldsAnInputIsRefused() throws Exception {
        Path model = Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3, 4});
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Path img = Files.copy(fixture(), photos.resolve("a.png"));
        byte[] before = Files.readAllBytes(img);
        String ck = model.toString();
        refused("--out " + model + " is the input --checkpoint " + model, "index", "--checkpoint", ck, "--out", ck, photos.toString());
        refused("--out " + photos + " is the input SRC " + photos, "index", "--checkpoint", ck, "--out", photos.toString(), photos.toString());
        Path link = Files.createSymbolicLink(dir.resolve("link"), photos);
        refused("(through a link)", "index", "--checkpoint", ck, "--append", "--out", link.toString(), photos.toString());
        refused("--out " + dir + " holds the input --checkpoint " + model, "index", "--checkpoint", ck, "--out", dir.toString(), photos.toString());
        refused("--out " + dir + " holds the input SRC " + photos, "index", "--append", "--out", dir.toString(), photos.toString());
        Path list = Files.writeString(Files.createDirectories(dir.resolve("lists")).resolve("l.txt"), img + "\n");
        refused("--out " + dir.resolve("lists") + " holds the input --list " + list, "index", "--checkpoint", ck,
                "--out", dir.resolve("lists").toString(), "--list", list.toString());
        Path emb = Files.createDirectories(dir.resolve("emb"));
        refused("--out " + emb + " is the input --embeddings " + emb, "index", "--append", "--out", emb.toString(), "--embeddings", emb.toString());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, Files.readAllBytes(model));
        assertArrayEquals(before, Files.readAllBytes(img));
        try (var s = Files.list(photos)) { assertEquals(List.of(img), s.toList()); }
    }

    private static Path fixture() {
        return Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("preprocess/rgb_73x64.png");
    }
}
