package dev.jclip.eval;

import dev.jclip.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PromptTemplatesTest {
    static Path data() { return SharedFiles.data(); }

    @Test void readsTheEightyImagenetTemplates() {
        PromptTemplates t = PromptTemplates.read(data().resolve("imagenet_templates.json"));
        assertEquals(80, t.size());
        assertEquals("a bad photo of a goldfish.", t.apply("goldfish").getFirst());
        assertTrue(t.apply("goldfish").stream().allMatch(s -> s.contains("goldfish") && !s.contains("{")));
    }

    @Test void readsOneTemplatePerLine(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("t.txt"), "a photo of a {}.\n\n  itap of a {}  \n");
        assertEquals(List.of("a photo of a {}.", "itap of a {}"), PromptTemplates.read(f).templates());
    }

    @Test void unknownPlaceholderIsNamed(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("t.txt"), "a photo of a {}.\na {foo} of a {}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptTemplates.read(f));
        assertTrue(e.getMessage().contains("{foo}") && e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptTemplates.of(List.of("{0} photo")))
                .getMessage().contains("{0}"));
        assertThrows(IllegalArgumentException.class, () -> PromptTemplates.of(List.of("unbalanced { brace")));
        assertThrows(IllegalArgumentException.class, () -> PromptTemplates.of(List.of()));
    }

    @Test void escapedBracesAndMultiplePlaceholders() {
        assertEquals(List.of("{x} a dog or a dog"), PromptTemplates.of(List.of("{{x}} {} or {}")).apply("a dog"));
        assertEquals(List.of("$1 \\ cat"), PromptTemplates.of(List.of("{}")).apply("$1 \\ cat"), "names are literal");
    }

    @Test void badJsonIsNamed(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("t.json"), "[\"a {}\", 3]");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PromptTemplates.read(f)).getMessage().contains("not a string"));
    }
}
