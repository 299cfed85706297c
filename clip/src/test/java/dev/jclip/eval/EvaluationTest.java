package dev.jclip.eval;

import dev.jclip.data.LabelledImages;
import dev.jclip.data.Subset;

import dev.jclip.data.FashionMnist;

import dev.jclip.text.ClipTokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The harness end to end on a Fashion-MNIST subset with a stand-in encoder: metrics consistent, report written. */
class EvaluationTest {
    @Test void fashionMnistSubsetGivesConsistentMetricsAndAReport(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(FashionMnist.available(DatasetsTest.FMNIST), "dataset-fashion-mnist not installed");
        LabelledImages train = Subset.head(FashionMnist.load(DatasetsTest.FMNIST, FashionMnist.Split.TRAIN), 600);
        LabelledImages test = Subset.head(FashionMnist.load(DatasetsTest.FMNIST, FashionMnist.Split.TEST), 300);
        try (StandInEncoder enc = new StandInEncoder(16, 514, 32, 77, 5)) {
            Evaluation.Report r = new Evaluation(enc, PromptTokenizer.of(ClipTokenizer.bytesOnly(), 77)).batch(100)
                    .probe(new LinearProbe().sweep(1e-3, 1e3, 4)).run("Fashion-MNIST", train, test);
            assertEquals(300, r.testImages());
            assertEquals(10, r.zeroShot().classes().size());
            assertTrue(r.zeroShot().topK() >= r.zeroShot().top1());
            // The stand-in's image features are pixel statistics: a linear probe on them must beat chance (10%) clearly.
            assertTrue(r.linearProbe().top1() > 0.3, "linear probe " + r.linearProbe().top1());
            long total = 0;
            for (long[] row : r.zeroShot().confusion()) for (long v : row) total += v;
            assertEquals(300, total);
            assertEquals(out.resolve("report.json"), r.write(out));
            String json = Files.readString(out.resolve("report.json"));
            assertTrue(json.contains("\"linear_probe\"") && json.contains("\"ankle boot\""), json);
            assertTrue(r.summary().contains("zero-shot     top-1"), r.summary());
        }
    }
}
