package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.model.ClipArchitecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code clip info} and {@code clip convert} run in-process on the reference fixtures. */
class CheckpointCommandsTest {
    @TempDir Path dir;

    private static Path models() {
        Path p = SharedFiles.fixture("models");
        assertTrue(Files.isDirectory(p), "fixtures not found at " + p.toAbsolutePath());
        return p;
    }

    private static String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        assertEquals(expectedExit, rc, () -> "exit code; stderr: " + err);
        return out + err.toString();
    }

    @Test
    void infoPrintsFormatCountsAndArchitecture() {
        for (String f : List.of("jit.pt", "state_dict.pt", "model.safetensors")) {
            String o = run(0, "info", models().resolve("resnet_b").resolve(f).toString());
            assertTrue(o.contains("tensors:      159"), o);
            assertTrue(o.contains("float32 x137") && o.contains("int64 x22"), o);
            assertTrue(o.contains("ModifiedResNet: blocks [1, 2, 1, 1], width 4"), o);
        }
        String v = run(0, "info", models().resolve("vit_a/jit.pt").toString());
        assertTrue(v.contains("format:       TorchScript archive") && v.contains("ViT: patch 4, 1 layers, width 64"), v);
    }

    @Test
    void convertEveryFixtureToSafetensorsBitExact() throws Exception {
        for (String model : List.of("vit_a", "resnet_b")) {
            Path src = models().resolve(model);
            for (String f : List.of("jit.pt", "state_dict.pt", "model.safetensors")) {
                Path out = dir.resolve(model + "-" + f + ".safetensors");
                String o = run(0, "convert", src.resolve(f).toString(), out.toString());
                assertTrue(o.startsWith("wrote "), o);
                try (StateDict ref = Safetensors.read(src.resolve("model.safetensors")); StateDict got = Safetensors.read(out)) {
                    assertEquals(new java.util.TreeSet<>(ref.names()), new java.util.TreeSet<>(got.names()));
                    for (String n : ref.names()) assertTrue(ref.get(n).sameContent(got.get(n)), model + "/" + f + ": " + n);
                    assertEquals(ClipArchitecture.fromJson(src.resolve("config.json")), ClipArchitecture.fromJson(got.metadata().get("config")));
                }
            }
        }
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void badInputIsOneClearErrorNotAStackTrace() throws Exception {
        Path junk = dir.resolve("junk.pt");
        Files.writeString(junk, "not a checkpoint");
        CommandLine cl = new CommandLine(new ClipCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("clip " + line.getCommandName() + ": " + ex.getMessage());
            return 1;
        });
        assertEquals(1, cl.execute("info", junk.toString()));
        assertTrue(err.toString().contains("unknown checkpoint format"), err.toString());
    }
}
