package dev.jclip.samples;

import dev.jclip.progress.ProgressListener;
import dev.jclip.progress.ProgressTracker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ConsoleProgressTest {
    private static List<String> lines(String mode, String every, int updates) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ProgressListener p = ConsoleProgress.create(mode, every, new PrintStream(b, true, StandardCharsets.UTF_8), false);
        try (ProgressTracker t = p.track("train", "steps", updates, 0)) {
            for (int i = 1; i <= updates; i++) t.to(i, "loss 1.0");
        }
        String out = b.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), "no carriage return in a log");
        return out.lines().toList();
    }

    @Test void logLinesFollowTheInterval() {
        assertEquals(7, lines("auto", "0", 7).size(), "every update");
        assertEquals(List.of("1", "3", "5", "7"), lines("lines", "2", 7).stream().map(l -> l.split("[ /]")[1]).toList(), "first, every 2 steps, last");
        assertEquals(List.of("1", "7"), lines("lines", "1000s", 7).stream().map(l -> l.split("[ /]")[1]).toList(), "first and last");
        assertEquals(List.of(), lines("none", "0", 7));
        String l = lines("lines", "0", 3).get(1);
        assertTrue(l.startsWith("train 2/3 steps (67 %) loss 1.0 | ") && l.contains("steps/s") && l.contains("elapsed"), l);
    }

    @Test void badSettingsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConsoleProgress.create("fancy", "10s"));
        assertTrue(e.getMessage().contains("--progress 'fancy'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConsoleProgress.create("auto", "soon"));
        assertTrue(e.getMessage().contains("--progress-every 'soon'"), e.getMessage());
    }
}
