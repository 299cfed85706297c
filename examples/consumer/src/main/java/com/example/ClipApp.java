package com.example;

import dev.jclip.Clip;
import dev.jclip.data.Batch;
import dev.jclip.data.Example;
import dev.jclip.eval.Features;
import dev.jclip.eval.ZeroShotClassifier;
import dev.jclip.train.TrainConfig;
import dev.jclip.train.Trainer;

import java.nio.file.Path;
import java.util.List;

/**
 * The README's "Use as a library" example: load a checkpoint, embed an image and texts, classify
 * the image zero-shot, fine-tune a few steps and save. Run with {@code --enable-native-access=ALL-UNNAMED}.
 * Usage: {@code ClipApp CHECKPOINT IMAGE OUT.safetensors}
 */
public final class ClipApp {
    public static void main(String[] args) {
        Path checkpoint = Path.of(args[0]), image = Path.of(args[1]), out = Path.of(args[2]);
        // README example: start
        List<String> classes = List.of("a diagram", "a dog", "a cat");
        // Load: weights, architecture, tokenizer and image preprocessing, as the checkpoint describes them.
        try (Clip clip = Clip.load(checkpoint)) {
            // Embed: unnormalised features, one row per input.
            Features img = clip.imageFeatures(List.of(image));
            Features txt = clip.textFeatures(classes);
            System.out.printf("embedded 1 image and %d texts into %d dimensions%n", txt.rows(), img.dim());
            // Zero-shot: the class whose prompt embedding is closest to the image's.
            ZeroShotClassifier zs = clip.zeroShot(classes);
            ZeroShotClassifier.Prediction best = zs.topK(img, 1).getFirst().getFirst();
            System.out.printf("zero-shot: %s (p = %.3f)%n", best.className(), best.probability());
            // Fine-tune: a few steps of the contrastive loss on image-caption pairs, then save.
            float[] pixels = clip.preprocess().preprocess(image);
            Batch batch = Batch.of(List.of(new Example(pixels, "a diagram", -1), new Example(pixels, "a diagram of a model", -1)),
                    clip.preprocess().size());
            TrainConfig cfg = TrainConfig.defaults(3).withBatch(2).withLr(1e-5).withWarmup(1);
            try (Trainer trainer = new Trainer(clip.model(), clip.promptTokenizer()::tokenize, cfg)) {
                while (trainer.step() < cfg.steps()) System.out.printf("step %d loss %.4f%n", trainer.step() + 1, trainer.train(batch).loss());
            }
            clip.save(out);   // self-contained: Clip.load(out) needs nothing else
        }
        // README example: end
    }
}
