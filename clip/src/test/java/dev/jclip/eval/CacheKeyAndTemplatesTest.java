package dev.jclip.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 17 items 11-12: templates without {} refused with their line; the classifier cache key is stable across JVMs. */
class CacheKeyAndTemplatesTest {
    @TempDir Path dir;

    @Test void cacheKeyIsTheHashOfFieldsInAFixedOrder() throws Exception {
        Path ckpt = Files.write(dir.resolve("m.safetensors"), new byte[]{1, 2, 3});
        var a = Files.readAttributes(ckpt, BasicFileAttributes.class);
        long mtime = a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L + a.lastModifiedTime().toInstant().getNano();
        String json = "{\"checkpoint\":\"" + ckpt.toAbsolutePath().normalize() + "\",\"size\":3,\"mtime_ns\":" + mtime
                + ",\"tokenizer\":\"tok\",\"classes\":[\"cat\",\"dog\"],\"templates\":[\"a {}.\"]}";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        // Independent of Map iteration order (which differs per JVM): the same in every run.
        assertEquals(expected, ClassifierCache.key(ckpt, "tok", List.of("cat", "dog"), PromptTemplates.of(List.of("a {}."))));
    }

    @Test void templatesWithoutAPlaceholderAreRefusedWithTheirLine() throws Exception {
        Path f = Files.writeString(dir.resolve("t.txt"), "a photo of a {}.\n\na photo.\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptTemplates.read(f));
        assertEquals("template file " + f + " line 3 \"a photo.\" has no {} for the class name: every class would get the same prompt",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptTemplates.of(List.of("{{literal}}")));
        assertEquals(List.of("a photo of a cat."), PromptTemplates.read(Files.writeString(dir.resolve("ok.txt"), "a photo of a {}.\n")).apply("cat"));
    }
}
