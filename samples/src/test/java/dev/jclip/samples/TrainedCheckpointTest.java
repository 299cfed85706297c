package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jclip.data.FashionMnist;
import dev.jclip.eval.EvalModel;
import dev.jclip.image.ImageTransform;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.torch.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Checkpoints written by {@code clip demo} and {@code clip train} are read back by the inference
 * commands with no further flags (issue 6 mechanics), and Fashion-MNIST evaluation sees the images
 * and prompts that training saw. Training runs are a few steps: only the plumbing is checked.
 */
class TrainedCheckpointTest {

    @Test void zeroShotRunsOnADemoCheckpoint(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        ZeroShotCommandTest.Run demo = ZeroShotCommandTest.run("demo", "--out", out.toString(), "--steps", "2", "--batch", "8", "--no-progress");
        assertEquals(0, demo.rc(), demo.err());
        JsonNode last = Json.MAPPER.readTree(demo.out().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(last.has("heldout_top1"), demo.out());
        Path ckpt = out.resolve("model.safetensors");

        ZeroShotCommandTest.Run one = ZeroShotCommandTest.run("zero-shot", "--checkpoint", ckpt.toString(),
                "--classes", "a diagram,a dog,a cat", "--json", "--no-cache", SharedFiles.data("CLIP.png").toString());
        assertEquals(0, one.rc(), one.err());
        JsonNode preds = Json.MAPPER.readTree(one.out().lines().findFirst().orElseThrow()).get("predictions");
        List<String> classes = new ArrayList<>();
        double sum = 0;
        for (JsonNode p : preds) { classes.add(p.get("class").asText()); sum += p.get("probability").asDouble(); }
        assertEquals(3, classes.size());
        assertTrue(classes.containsAll(List.of("a diagram", "a dog", "a cat")), classes.toString());
        assertEquals(1.0, sum, 1e-5);

        Path imgs = Files.createDirectories(dir.resolve("imgs"));
        Files.copy(SharedFiles.data("CLIP.png"), imgs.resolve("a.png"));
        Files.copy(SharedFiles.data("CLIP.png"), imgs.resolve("b.png"));
        Files.write(imgs.resolve("broken.png"), java.util.Arrays.copyOf(Files.readAllBytes(SharedFiles.data("CLIP.png")), 100));
        ZeroShotCommandTest.Run folder = ZeroShotCommandTest.run("zero-shot", "--checkpoint", ckpt.toString(),
                "--classes", "a diagram,a dog,a cat", "--no-cache", imgs.toString());
        assertEquals(1, folder.rc(), "a skipped image makes the exit code 1");
        assertTrue(folder.err().contains("skipped") && folder.err().contains("broken.png"), folder.err());
        assertTrue(folder.out().contains("2 image(s) classified into 3 classes"), folder.out());
    }

    @Test void fashionMnistEvalUsesTheTrainingTransformAndPrompts(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(FashionMnist.available(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Path out = dir.resolve("fm");
        ZeroShotCommandTest.Run train = ZeroShotCommandTest.run("train", "--data", "fashion-mnist", "--steps", "2", "--batch", "8",
                "--checkpoint-every", "0", "--no-progress", "--out", out.toString());
        assertEquals(0, train.rc(), train.err());
        double trainZeroShot = Json.MAPPER.readTree(train.out().lines().reduce((a, b) -> b).orElseThrow()).get("zero_shot_top1").asDouble();
        Path ckpt = out.resolve("model.safetensors");
        try (StateDict sd = Safetensors.read(ckpt)) {
            assertEquals(FashionMnist.TRANSFORM.toJson(), sd.metadata().get(ImageTransform.METADATA_KEY));
        }
        FashionMnist test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
        try (EvalModel m = EvalModel.open(ckpt, null, Device.CPU, null)) {
            assertEquals(FashionMnist.TRANSFORM, m.transform());
            int res = m.model().architecture().imageResolution();
            var trainingView = test.captioned(FashionMnist.TRANSFORM.preprocess(res), 0);
            for (int i : new int[]{0, 1, 9999}) {
                assertArrayEquals(trainingView.get(i).image(), m.preprocess().preprocess(test.image(i)), "test image " + i);
            }
        }
        Path ev = dir.resolve("eval");
        ZeroShotCommandTest.Run eval = ZeroShotCommandTest.run("eval", "--checkpoint", ckpt.toString(), "--dataset", "fashion-mnist",
                "--train-limit", "200", "--c-steps", "3", "--out", ev.toString());
        assertEquals(0, eval.rc(), eval.err());
        JsonNode rep = Json.MAPPER.readTree(ev.resolve("report.json").toFile());
        List<String> templates = new ArrayList<>();
        rep.get("templates").forEach(t -> templates.add(t.asText()));
        assertEquals(FashionMnist.TEMPLATES, templates);
        assertEquals(10000, rep.get("test_images").asInt());
        // Same images, prompts and classes as training's own check: the same top-1 (up to batch-size rounding).
        assertEquals(trainZeroShot, rep.get("zero_shot").get("top1").asDouble(), 2e-4, rep.toString());
        for (String png : List.of("confusion_zeroshot.png", "confusion_linear_probe.png", "similarity.png")) {
            assertTrue(Files.size(ev.resolve(png)) > 1000, png);
        }
    }
}
