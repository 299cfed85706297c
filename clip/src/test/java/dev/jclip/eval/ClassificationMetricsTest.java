package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClassificationMetricsTest {
    @Test void topOneTopKPerClassAndConfusion() {
        List<String> c = List.of("a", "b", "c");
        float[] scores = {
                0.9f, 0.05f, 0.05f,   // y=0, pred 0
                0.5f, 0.3f, 0.2f,     // y=1, pred 0, true class 2nd
                0.1f, 0.2f, 0.7f,     // y=2, pred 2
                0.6f, 0.1f, 0.3f};    // y=1, pred 0, true class 3rd
        ClassificationMetrics m = ClassificationMetrics.of(scores, new int[]{0, 1, 2, 1}, c, 2);
        assertEquals(0.5, m.top1());
        assertEquals(0.75, m.topK());
        assertArrayEquals(new double[]{1, 0, 1}, m.perClassAccuracy());
        assertArrayEquals(new int[]{1, 2, 1}, m.perClassCount());
        assertArrayEquals(new long[]{0 + 1, 0, 0}, m.confusion()[0]);
        assertArrayEquals(new long[]{2, 0, 0}, m.confusion()[1]);
        assertArrayEquals(new long[]{0, 0, 1}, m.confusion()[2]);
        assertEquals(2.0 / 3, m.meanPerClassAccuracy(), 1e-12);
        assertEquals(3, ClassificationMetrics.of(scores, new int[]{0, 1, 2, 1}, c, 10).k(), "K capped at the class count");
    }

    @Test void badShapesAndLabelsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new float[5], new int[]{0, 1}, List.of("a", "b"), 1));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(new float[4], new int[]{0, 7}, List.of("a", "b"), 1)).getMessage().contains("label 7 of row 1"));
    }
}
