package dev.jclip.train;

import dev.jclip.image.ImageTransform;
import dev.jclip.model.ClipArchitecture;
import dev.jclip.model.CheckpointTokenizer;
import dev.jclip.model.ClipModel;
import dev.jclip.model.LoadedClip;
import dev.jclip.model.ModelNames;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.DType;
import dev.jclip.torch.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a run starts: the model in float32 on its device, the tokenizer and the metadata that
 * embeds it in every checkpoint (the vocabulary and merges themselves for BPE: the checkpoints are
 * self-contained, as {@link LoadedClip#save} writes them), and the image transform. From scratch
 * the architecture is named ({@code shapes}, {@code fashion}, an open_clip name, a config JSON);
 * for fine-tuning everything comes from the {@code --init} checkpoint as {@link LoadedClip} reads
 * it for inference (architecture, logit scale, tokenizer or {@code --vocab}, image transform).
 *
 * <pre>{@code
 * TrainStart s = TrainStart.fromCheckpoint(Path.of("ViT-B-32.pt"), Path.of("bpe_simple_vocab_16e6.txt.gz"), Device.CPU);
 * }</pre>
 *
 * @param model         the weights (the caller closes them)
 * @param tokenizer     what tokenizes the captions
 * @param tokenizerMetadata the tokenizer as checkpoints record it ({@link CheckpointTokenizer#embed}: {@code tokenizer} and, for BPE, the embedded vocabulary and merges)
 * @param transform     the image transform the model expects
 * @param description   the architecture in words, for reports and resume checks
 */
public record TrainStart(ClipModel model, ClipTokenizer tokenizer, Map<String, String> tokenizerMetadata, ImageTransform transform, String description) {
    /** The {@code tokenizer} metadata value ({@code {"type":"bytes"}}, {@code {"type":"bpe-embedded",...}}). */
    public String tokenizerJson() { return tokenizerMetadata.get(CheckpointTokenizer.KEY); }

    /** A randomly initialised model of the named architecture ({@code auto}: by the data). */
    public static TrainStart fromScratch(String name, boolean synthetic, boolean fashion, Path vocab, long seed, Device device) {
        String m = name.equals("auto") ? (fashion ? "fashion" : "shapes") : name;
        ClipArchitecture arch;
        if (m.equals("shapes")) arch = Recipes.shapesArchitecture();
        else if (m.equals("fashion")) arch = Recipes.fashionArchitecture();
        else if (ModelNames.isKnown(m)) arch = ClipArchitecture.named(m);
        else if (Files.isDirectory(Path.of(m)) || m.matches("(?i).*\\.(safetensors|pt|pth|bin|ckpt)$")) {
            throw new IllegalArgumentException("--model " + m + " is a checkpoint, not an architecture: use --init " + m + " to fine-tune it");
        }
        else if (Files.isRegularFile(Path.of(m))) arch = ClipArchitecture.fromJson(Path.of(m));
        else throw new IllegalArgumentException("unknown --model '" + m + "': use shapes, fashion, an open_clip name (" + String.join(", ", ModelNames.NAMES)
                + ", each also -quickgelu), OpenAI's " + ModelNames.OPENAI.keySet() + " or a JSON file");
        ClipTokenizer tok = vocab != null ? ClipTokenizer.load(vocab) : ClipTokenizer.bytesOnly();
        if (tok.vocabulary().size() > arch.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tok.vocabulary().size() + " tokens but the model only " + arch.vocabSize());
        }
        Map<String, String> tokMeta = CheckpointTokenizer.embed(tok, vocab != null ? vocab.getFileName().toString() : "bytes");
        ClipModel model = ClipModel.initialized(arch, seed, DType.F32, device);
        return new TrainStart(model, tok, tokMeta, ImageTransform.clip(), m + " (" + arch.describe() + ")");
    }

    /**
     * The checkpoint {@code init} as inference loads it ({@link dev.jclip.eval.EvalModel}), in float32 on
     * {@code device}; {@code vocab} overrides the recorded tokenizer, and is needed when none is
     * recorded (released checkpoints). A run folder ({@link RunFolder}) means its latest model.
     */
    public static TrainStart fromCheckpoint(Path init, Path vocab, Device device) {
        if (!Files.exists(init)) throw new IllegalArgumentException("--init " + init + ": no such file or folder");
        // A training run's folder stands for its latest committed model.
        if (Files.isDirectory(init) && Files.isRegularFile(init.resolve(RunFolder.POINTER))) {
            init = new RunFolder(init).latest().resolve(TrainCheckpoint.MODEL_FILE);
        }
        try (LoadedClip c = LoadedClip.load(init, LoadedClip.Options.defaults().withVocab(vocab).withDevice(device).withDtype(DType.F32))) {
            if (!c.hasTokenizer()) {
                throw new IllegalArgumentException("--init " + init + " records no tokenizer: pass --vocab (bpe_simple_vocab_16e6.txt.gz for CLIP's)");
            }
            ClipArchitecture arch = c.architecture();
            // A copy the run owns (the loaded one is closed with its LoadedClip); the weights are the same bits.
            ClipModel copy = ClipModel.fromStateDict(c.model().stateDict(), arch);
            return new TrainStart(copy, c.tokenizer(), CheckpointTokenizer.embed(c.tokenizer(), c.tokenizerSource()), c.transform(),
                    "from " + init.getFileName() + " (" + arch.describe() + ")");
        }
    }
}
