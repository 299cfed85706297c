package dev.jclip.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClassNamesTest {
    @Test void commaListAndFiles(@TempDir Path dir) throws Exception {
        assertEquals(List.of("a diagram", "a dog", "a cat"), ClassNames.parse("a diagram, a dog ,a cat"));
        Path lines = Files.writeString(dir.resolve("c.txt"), "cat\n\ndog\n");
        assertEquals(List.of("cat", "dog"), ClassNames.parse(lines.toString()));
        List<String> imagenet = ClassNames.parse(PromptTemplatesTest.data().resolve("imagenet_classes.json").toString());
        assertEquals(1000, imagenet.size());
        assertEquals("missile", imagenet.get(657));
        assertEquals("missile", imagenet.get(744), "duplicates are kept");
    }

    @Test void emptyListsAreErrors(@TempDir Path dir) throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassNames.parse("")).getMessage().contains("empty class list"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassNames.parse("cat,,dog")).getMessage().contains("position 2"));
        Path empty = Files.writeString(dir.resolve("none.txt"), "\n \n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassNames.parse(empty.toString())).getMessage().contains("none.txt"));
        Path emptyJson = Files.writeString(dir.resolve("none.json"), "[]");
        assertThrows(IllegalArgumentException.class, () -> ClassNames.parse(emptyJson.toString()));
    }
}
