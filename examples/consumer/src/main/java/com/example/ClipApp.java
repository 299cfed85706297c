package com.example;

import dev.jclip.data.Batch;
import dev.jclip.data.Example;
import dev.jclip.eval.EvalModel;
import dev.jclip.eval.Features;
import dev.jclip.eval.ImageEmbedder;
import dev.jclip.eval.PromptTemplates;
import dev.jclip.eval.TextEmbedder;
import dev.jclip.eval.ZeroShotClassifier;
import dev.jclip.torch.Device;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;

import java.nio.file.Path;
import java.util.List;

/**
 * The README's "Use as a library" example: load a checkpoint, embed an image and texts, classify
 * the image zero-shot, fine-tune a few steps. Run with {@code --enable-native-access=ALL-UNNAMED}.
 * Usage: {@code ClipApp CHECKPOINT IMAGE}
 */
public final class ClipApp {
    public static void main(String[] args) {
        Path checkpoint = Path.of(args[0]), image = Path.of(args[1]);
        // README example: start
        List<String> classes = List.of("a diagram", "a dog", "a cat");
        // Load: weights, tokenizer and image transform as the checkpoint records them.
        try (EvalModel clip = EvalModel.open(checkpoint, null, Device.CPU, null)) {
            // Embed: unnormalised features, one row per input.
            Features img = new ImageEmbedder(clip.model(), clip.preprocess(), 16).embedFiles(List.of(image)).features();
            Features txt = TextEmbedder.embed(clip.model(), clip.promptTokenizer(), classes, 16);
            System.out.printf("embedded 1 image and %d texts into %d dimensions%n", txt.rows(), img.dim());
            // Zero-shot: the class whose prompt embedding is closest to the image's.
            ZeroShotClassifier zs = ZeroShotClassifier.build(clip.model(), clip.promptTokenizer(), classes, PromptTemplates.single(), 16);
            ZeroShotClassifier.Prediction best = zs.topK(img, 1).getFirst().getFirst();
            System.out.printf("zero-shot: %s (p = %.3f)%n", best.className(), best.probability());
            // Fine-tune: a few steps of the contrastive loss on image-caption pairs.
            float[] pixels = clip.preprocess().preprocess(image);
            Batch batch = Batch.of(List.of(new Example(pixels, "a diagram", -1), new Example(pixels, "a diagram of a model", -1)),
                    clip.model().imageResolution());
            TrainConfig cfg = TrainConfig.defaults(3).withBatch(2).withLr(1e-5).withWarmup(1);
            try (Trainer trainer = new Trainer(clip.model(), clip.promptTokenizer()::tokenize, cfg)) {
                while (trainer.step() < cfg.steps()) System.out.printf("step %d loss %.4f%n", trainer.step() + 1, trainer.train(batch).loss());
            }
        }
        // README example: end
    }
}
