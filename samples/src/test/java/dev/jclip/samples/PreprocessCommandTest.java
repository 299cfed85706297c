package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code clip preprocess} reproduces the reference tensors bit for bit and skips bad files. */
class PreprocessCommandTest {
    @TempDir Path dir;

    @Test void writesTheReferenceTensorsAndSkipsBadFiles() throws Exception {
        Path pre = SharedFiles.fixture("preprocess");
        Path bad = Files.writeString(dir.resolve("broken.png"), "not an image");
        Path out = dir.resolve("out.safetensors");
        int rc = new CommandLine(new ClipCommand()).execute("preprocess", "--size", "64", "--out", out.toString(),
                pre.resolve("rgb_73x64.png").toString(), pre.resolve("photo_120x80_q90.jpg").toString(), bad.toString());
        assertEquals(1, rc, "a skipped file makes the exit code 1");
        try (StateDict got = Safetensors.read(out); StateDict ref = Safetensors.read(pre.resolve("expected.safetensors"))) {
            assertEquals(2, got.size());
            for (String name : new String[]{"rgb_73x64.png", "photo_120x80_q90.jpg"}) {
                assertArrayEquals(new long[]{3, 64, 64}, got.get(name).shape());
                assertArrayEquals(ref.get(name).toFloatArray(), got.get(name).toFloatArray(), 0f, name);
            }
        }
    }
}
