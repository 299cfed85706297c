package dev.jclip.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFileTest {
    @TempDir Path dir;

    @Test void newFilesAreReadableByOthersAndReplacementsKeepPermissions() throws Exception {
        Path f = dir.resolve("out.json");
        AtomicFile.write(f, "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFile.write(f, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("{\"a\":1}", Files.readString(f));
        try (var s = Files.list(dir)) { assertEquals(1, s.count(), "no temporary file left behind"); }
    }
}
