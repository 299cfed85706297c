package dev.jclip.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RetrievalTest {
    @Test void recallCountsAnyCaptionForImagesAndTheOwnImageForCaptions() {
        // 3 images (unit axes), 4 captions: 0,1 -> image 0; 2 -> image 1; 3 -> image 2.
        Features img = new Features(new float[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
        Features txt = new Features(new float[]{
                0.2f, 1, 0,      // caption 0: closest to image 1 (wrong), 2nd for image 0
                1, 0.1f, 0,      // caption 1: image 0 (right)
                0, 0, 1,         // caption 2: image 2 (wrong; belongs to image 1)
                0, 0.5f, 1}, 4, 3); // caption 3: image 2 (right)
        Retrieval.Report r = Retrieval.evaluate(img, txt, new int[]{0, 0, 1, 2}, 1, 2, 3);
        // image->text: image 0 best caption = 1 (hit@1); image 1 ranks captions 0,3,... caption 2 last (rank 3);
        // image 2 ranks caption 2 first, caption 3 second (hit@2).
        assertEquals(1.0 / 3, r.imageToText().get(1), 1e-12);
        assertEquals(2.0 / 3, r.imageToText().get(2), 1e-12);
        assertEquals(2.0 / 3, r.imageToText().get(3), 1e-12);
        // text->image: c0 -> image 0 is 2nd; c1 -> 1st; c3 -> 1st; c2 -> image 2 scores 1, images 0 and 1 tie at 0
        // and the tie goes to the lower index, so image 1 is 3rd.
        assertEquals(0.5, r.textToImage().get(1), 1e-12);
        assertEquals(0.75, r.textToImage().get(2), 1e-12);
        assertEquals(1.0, r.textToImage().get(3), 1e-12);
        assertTrue(r.summary().contains("R@1 0.3333"), r.summary());
    }

    @Test void badLinksAreNamed() {
        Features f = new Features(new float[]{1, 0}, 1, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(f, f, new int[]{3}, 1))
                .getMessage().contains("text 0 points at image 3"));
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(f, f, new int[]{0, 0}, 1));
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(f, f, new int[]{0}, 0));
    }
}
