package dev.jclip.train;

import dev.jclip.model.ContrastiveModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.data.FashionMnist;
import dev.jclip.data.ShapesDataset;
import dev.jclip.image.ClipPreprocess;
import dev.jclip.progress.ProgressListener;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The small CLIPs this project trains on a CPU, and their evaluations: the synthetic-shapes demo
 * (held-out colour-shape combinations vs seen ones) and Fashion-MNIST zero-shot.
 *
 * <pre>{@code
 * ClipArchitecture a = Recipes.shapesArchitecture();
 * Recipes.ShapesScore s = Recipes.evaluateShapes(model, tokenize, 32, out, Device.CPU);
 * }</pre>
 */
public final class Recipes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Text context for byte-level captions: "a large purple triangle at the bottom" is 38 bytes, + SOT and EOT. */
    public static final int BYTES_CONTEXT = 40;
    /** Zero-shot prompts for the shapes classes (colour + shape). */
    public static final List<String> SHAPES_PROMPTS = List.of("a photo of a {}", "a {}", "{}");

    private Recipes() {}

    /** The bytes-only tokenizer's description stored in checkpoints. */
    public static String bytesTokenizerJson() { return "{\"type\":\"bytes\"}"; }

    /** Tokens for captions with {@code tok}, truncated to {@code context}. */
    public static Function<List<String>, Tensor> tokenizeWith(ClipTokenizer tok, int context) {
        return texts -> tok.tokenize(texts, context, true);
    }

    /** ViT 32 px, patch 8, width 64 x 2 layers; byte-level text, width 64 x 2 layers, context 40; embed 64. */
    public static ClipArchitecture shapesArchitecture() {
        int vocab = ClipTokenizer.bytesOnly().vocabulary().size();
        return ClipArchitecture.vit(64, 32, 2, 64, 8, BYTES_CONTEXT, vocab, 64, 2, 2);
    }

    /**
     * ViT 28 px (the images as they are: 7 x 7 patches of 4 px; a 32 px input would spend a quarter
     * more tokens on the black border), width 128 x 3 layers; byte-level text, width 64 x 2 layers; embed 64.
     */
    public static ClipArchitecture fashionArchitecture() {
        int vocab = ClipTokenizer.bytesOnly().vocabulary().size();
        return ClipArchitecture.vit(64, 28, 3, 128, 4, BYTES_CONTEXT, vocab, 64, 2, 2);
    }

    /**
     * A matrix for a heatmap: {@code values[row][column]} with their labels and a title (the
     * command line draws it; the library has no plotting).
     */
    public record SimilarityMap(double[][] values, List<String> rows, List<String> columns, String title) {}

    /**
     * Zero-shot on the shapes: held-out combinations, seen ones, chance = 1 / classes; and the mean
     * cosine similarity of each class's images (rows, "* " marks a held-out class) to each class prompt.
     */
    public record ShapesScore(double heldoutTop1, double seenTop1, double chance, SimilarityMap similarity) {}

    /**
     * Classifies {@code heldout} images of the held-out combinations and {@code seen} images of
     * the seen ones among all colour-shape classes.
     */
    public static ShapesScore evaluateShapes(ContrastiveModel model, Function<List<String>, Tensor> tokenize, int imageSize,
                                             int heldout, int seen, Device device) {
        return evaluateShapes(model, tokenize, imageSize, heldout, seen, device, ProgressListener.NONE);
    }

    /** As above, with progress reported to {@code progress} (the shapes are drawn at the model's size: no transform). */
    public static ShapesScore evaluateShapes(ContrastiveModel model, Function<List<String>, Tensor> tokenize, int imageSize,
                                             int heldout, int seen, Device device, ProgressListener progress) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < ShapesDataset.classCount(); k++) names.add(ShapesDataset.className(k));
        try (ZeroShotEval zs = ZeroShotEval.build(model, tokenize, names, SHAPES_PROMPTS, device)) {
            ZeroShotEval.Result h = zs.evaluate(new ShapesDataset(imageSize, ShapesDataset.Split.HELDOUT, heldout, 1), 250, progress);
            ZeroShotEval.Result s = zs.evaluate(new ShapesDataset(imageSize, ShapesDataset.Split.SEEN, seen, 1), 250, progress);
            int c = names.size();
            double[][] sim = new double[c][c];
            for (int i = 0; i < c; i++) sim[i] = (h.perClassCount()[i] > 0 ? h : s).meanSimilarity()[i];
            List<String> rows = new ArrayList<>();
            for (int k = 0; k < c; k++) {
                boolean held = ShapesDataset.isHeldOut(k / ShapesDataset.SHAPES.size(), k % ShapesDataset.SHAPES.size());
                rows.add((held ? "* " : "") + names.get(k));
            }
            return new ShapesScore(h.top1(), s.top1(), 1.0 / c, new SimilarityMap(sim, List.copyOf(rows), List.copyOf(names),
                    "images (rows, * = held out) vs class prompts: mean cosine"));
        }
    }

    /**
     * Fashion-MNIST zero-shot top-1 on the 10,000 test images, with the data set's class names,
     * templates and transform (the same ones {@code clip eval --dataset fashion-mnist} uses);
     * {@link #fashionSimilarity} turns its mean similarities into a heatmap's matrix.
     */
    public static ZeroShotEval.Result evaluateFashion(ContrastiveModel model, Function<List<String>, Tensor> tokenize, Path dir,
                                                     int imageSize, Device device) {
        return evaluateFashion(model, tokenize, dir, FashionMnist.TRANSFORM.preprocess(imageSize), device, ProgressListener.NONE);
    }

    /** The mean cosine similarity of each class's test images (rows) to each class's prompts. */
    public static SimilarityMap fashionSimilarity(ZeroShotEval.Result r) {
        return new SimilarityMap(r.meanSimilarity(), FashionMnist.CLASSES, FashionMnist.CLASSES, "test images (rows) vs class prompts: mean cosine");
    }

    /**
     * As above with a given transform (a fine-tuned model's own, which may not be the data set's
     * padding) and progress reported to {@code progress}.
     */
    public static ZeroShotEval.Result evaluateFashion(ContrastiveModel model, Function<List<String>, Tensor> tokenize, Path dir,
                                                     ClipPreprocess preprocess, Device device, ProgressListener progress) {
        var test = FashionMnist.load(dir, FashionMnist.Split.TEST).captioned(preprocess, 0);
        try (ZeroShotEval zs = ZeroShotEval.build(model, tokenize, FashionMnist.CLASSES, FashionMnist.TEMPLATES, device)) {
            return zs.evaluate(test, 500, progress);
        }
    }

    /** A JSON object for reports. */
    public static ObjectNode json() { return JSON.createObjectNode(); }
}
