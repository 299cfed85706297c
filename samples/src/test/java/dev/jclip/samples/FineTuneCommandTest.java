package dev.jclip.samples;

import dev.jclip.eval.EvalModel;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.text.ClipTokenizer;
import dev.jclip.torch.Device;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code clip train --init}: fine-tuning starts from the checkpoint exactly, frozen towers stay
 * frozen, an output folder holding a run is never reused silently, a resumed run must keep its
 * settings, and a log gets one plain line per progress update. A tiny model on 32 captioned
 * pictures: seconds per run.
 */
class FineTuneCommandTest {
    @TempDir static Path dir;
    static Path data, source;

    /** A source checkpoint that already learnt two steps (so its weights are not an initialisation). */
    @BeforeAll static void sourceCheckpoint() throws Exception {
        data = TrainCommandDistTest.data(dir);
        Path arch = dir.resolve("tiny.json");
        Files.writeString(arch, TrainCommandDistTest.ARCH.toJson());
        ZeroShotCommandTest.Run r = train("--data", data.toString(), "--model", arch.toString(), "--batch", "8", "--steps", "2",
                "--lr", "2e-3", "--out", dir.resolve("source").toString());
        assertEquals(0, r.rc(), r.err());
        source = dir.resolve("source/model.safetensors");
    }

    static ZeroShotCommandTest.Run train(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        return ZeroShotCommandTest.run(all);
    }

    /** Image and text features of {@code ckpt} for two pictures and two captions, as float32 bits. */
    static float[][] features(Path ckpt) {
        try (EvalModel m = EvalModel.open(ckpt, null, Device.CPU, null); Scope s = Scope.open(); var g = Torch.noGrad()) {
            float[] a = m.preprocess().preprocess(data.resolve("img0.png")), b = m.preprocess().preprocess(data.resolve("img5.png"));
            float[] both = new float[a.length * 2];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            int r = m.model().architecture().imageResolution();
            Tensor img = m.model().encodeImage(Torch.of(both, 2, 3, r, r));
            Tensor txt = m.model().encodeText(m.tokenizer().tokenize(List.of("a red square left top", "a blue square"),
                    m.model().architecture().contextLength(), true));
            return new float[][]{img.contiguous().toFloatArray(), txt.contiguous().toFloatArray()};
        }
    }

    @Test void initThenZeroStepsGivesTheSourceFeaturesBitForBit() {
        Path out = dir.resolve("zero");
        ZeroShotCommandTest.Run r = train("--init", source.toString(), "--data", data.toString(), "--batch", "8", "--steps", "0",
                "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        float[][] want = features(source), got = features(out.resolve("model.safetensors"));
        assertArrayEquals(want[0], got[0], "image features");
        assertArrayEquals(want[1], got[1], "text features");
        try (StateDict a = Safetensors.read(source); StateDict b = Safetensors.read(out.resolve("model.safetensors"))) {
            assertEquals(a.metadata().get("tokenizer"), b.metadata().get("tokenizer"));
            assertEquals(a.metadata().get("config"), b.metadata().get("config"));
            assertEquals(source.toAbsolutePath().normalize().toString(), b.metadata().get("fine_tuned_from"));
        }
        assertTrue(r.err().contains("fine-tuning " + source), r.err());
        // The mistake the issue reports: a checkpoint given as --model.
        ZeroShotCommandTest.Run wrong = train("--model", source.toString(), "--data", data.toString(), "--out", dir.resolve("wrong").toString());
        assertEquals(1, wrong.rc());
        assertTrue(wrong.err().contains("is a checkpoint, not an architecture: use --init " + source), wrong.err());
    }

    /**
     * A reference-format folder (Hugging Face layout, 49,408-token BPE beside the weights): zero
     * steps keep its text features bit for bit, and the output carries the tokenizer inside it, so
     * a copy alone in another folder still tokenizes and embeds the same.
     */
    @Test void aHuggingFaceFolderFineTunesIntoASelfContainedFile() throws Exception {
        Path hf = Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")).resolve("formats/bigvocab_hf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(hf), "fixture " + hf);
        Path out = dir.resolve("hf");
        ZeroShotCommandTest.Run r = train("--init", hf.toString(), "--data", data.toString(), "--batch", "8", "--steps", "0", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        Path alone = Files.createDirectories(dir.resolve("elsewhere")).resolve("moved.safetensors");
        Files.copy(out.resolve("model.safetensors"), alone);
        List<String> texts = Files.readAllLines(hf.resolve("bigvocab_texts.txt")).stream().filter(t -> !t.isBlank()).toList();
        try (EvalModel a = EvalModel.open(hf, null, Device.CPU, null); EvalModel b = EvalModel.open(alone, null, Device.CPU, null);
             Scope s = Scope.open(); var g = Torch.noGrad()) {
            assertTrue(b.tokenizerSource().startsWith("embedded:"), b.tokenizerSource());
            int ctx = a.model().architecture().contextLength();
            Tensor ta = a.tokenizer().tokenize(texts, ctx, true), tb = b.tokenizer().tokenize(texts, ctx, true);
            assertArrayEquals(ta.toLongArray(), tb.toLongArray(), "the embedded tokenizer gives the folder's ids");
            assertArrayEquals(a.model().encodeText(ta).contiguous().toFloatArray(), b.model().encodeText(tb).contiguous().toFloatArray(),
                    "text features of the re-saved checkpoint");
        }
    }

    @Test void lockImageLeavesEveryImageWeightBitIdentical() throws Exception {
        Path out = dir.resolve("locked");
        ZeroShotCommandTest.Run r = train("--init", source.toString(), "--data", data.toString(), "--batch", "8", "--steps", "2",
                "--lr", "1e-2", "--warmup", "1", "--lock-image", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("frozen: image tower"), r.err());
        int visual = 0, changed = 0;
        try (StateDict a = Safetensors.read(source); StateDict b = Safetensors.read(out.resolve("model.safetensors"))) {
            for (var e : a.tensors().entrySet()) {
                byte[] before = bytes(e.getValue()), after = bytes(b.tensors().get(e.getKey()));
                if (e.getKey().startsWith("visual.")) {
                    visual++;
                    assertArrayEquals(before, after, e.getKey() + " changed although the image tower is locked");
                } else if (!java.util.Arrays.equals(before, after)) {
                    changed++;
                }
            }
        }
        assertTrue(visual > 5, "image tensors compared: " + visual);
        assertTrue(changed > 5, "the text tower must train: " + changed + " tensors changed");
    }

    /** The tensor's values as raw bits (float32 weights). */
    private static byte[] bytes(TensorData d) {
        try (Scope s = Scope.open()) {
            float[] f = d.toTensor().contiguous().toFloatArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(f.length * 4);
            b.asFloatBuffer().put(f);
            return b.array();
        }
    }

    @Test void anOutHoldingARunIsRefusedUnlessResumedOrOverwritten() throws Exception {
        Path out = dir.resolve("reuse");
        List<String> common = List.of("--init", source.toString(), "--data", data.toString(), "--batch", "8", "--steps", "2", "--log-every", "1",
                "--out", out.toString());
        assertEquals(0, train(common.toArray(String[]::new)).rc());
        byte[] model = Files.readAllBytes(out.resolve("model.safetensors"));
        ZeroShotCommandTest.Run again = train(common.toArray(String[]::new));
        assertEquals(1, again.rc());
        assertTrue(again.err().contains(out + " already holds a training run") && again.err().contains("--resume")
                && again.err().contains("--overwrite"), again.err());
        assertEquals(1, again.err().strip().lines().count(), "one line: " + again.err());
        assertArrayEquals(model, Files.readAllBytes(out.resolve("model.safetensors")), "the refused run touched the model");
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());

        ZeroShotCommandTest.Run own = train("--init", out.resolve("model.safetensors").toString(), "--data", data.toString(), "--overwrite",
                "--out", out.toString());
        assertEquals(1, own.rc());
        assertTrue(own.err().contains("is inside --out " + out + ", which --overwrite would delete"), own.err());

        List<String> over = new java.util.ArrayList<>(common);
        over.add("--overwrite");
        over.set(over.indexOf("--steps") + 1, "1");
        assertEquals(0, train(over.toArray(String[]::new)).rc());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(1, metrics.size(), "the overwritten run's records are gone: " + metrics);
    }

    @Test void resumeWithChangedSettingsIsRefusedNamingThem() throws Exception {
        Path out = dir.resolve("changed");
        List<String> common = List.of("--init", source.toString(), "--data", data.toString(), "--batch", "8", "--steps", "2", "--out", out.toString());
        List<String> first = new java.util.ArrayList<>(common);
        first.addAll(List.of("--max-minutes", "1e-9"));
        assertEquals(0, train(first.toArray(String[]::new)).rc());
        List<String> changed = new java.util.ArrayList<>(common);
        changed.addAll(List.of("--resume", "--lr", "3e-4"));
        changed.set(changed.indexOf("--batch") + 1, "16");
        ZeroShotCommandTest.Run r = train(changed.toArray(String[]::new));
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("--lr 3.0E-4 (the run used 1.0E-5)") && r.err().contains("--batch 16 (the run used 8)"), r.err());
        // Other data: one caption changed.
        String caption = Files.readString(data.resolve("img3.txt"));
        Files.writeString(data.resolve("img3.txt"), "a yellow square somewhere");
        try {
            List<String> same = new java.util.ArrayList<>(common);
            same.add("--resume");
            ZeroShotCommandTest.Run d = train(same.toArray(String[]::new));
            assertEquals(1, d.rc());
            assertTrue(d.err().contains("data contents"), d.err());
        } finally {
            Files.writeString(data.resolve("img3.txt"), caption);
        }
        List<String> ok = new java.util.ArrayList<>(common);
        ok.add("--resume");
        ZeroShotCommandTest.Run fine = train(ok.toArray(String[]::new));
        assertEquals(0, fine.rc(), fine.err());
        assertTrue(fine.err().contains("resumed at step 1"), fine.err());
    }

    @Test void aLogGetsOnePlainLinePerProgressUpdate() {
        Path out = dir.resolve("log");
        ZeroShotCommandTest.Run r = train("--init", source.toString(), "--data", data.toString(), "--batch", "8", "--steps", "3",
                "--log-every", "1", "--progress", "lines", "--progress-every", "0", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertFalse(r.err().contains("\r"), "no carriage returns in a log");
        List<String> steps = r.err().lines().filter(l -> l.startsWith("train ")).toList();
        assertEquals(3, steps.size(), r.err());
        for (int i = 0; i < 3; i++) {
            String l = steps.get(i);
            assertTrue(l.startsWith("train " + (i + 1) + "/3 steps") && l.contains(" loss ") && l.contains(" lr ") && l.contains("samples/s"), l);
        }
        assertTrue(steps.get(0).contains("ETA"), steps.get(0));
    }

    @Test void helpHasNoWarningsAndEveryOptionADescription() {
        ZeroShotCommandTest.Run h = ZeroShotCommandTest.run("train", "--help");
        assertEquals(0, h.rc());
        String all = h.out() + h.err();
        assertFalse(all.contains("[picocli WARN]"), all);
        assertTrue(all.contains("5% of --steps") && all.contains("Default: 1000"), all);
        var spec = new picocli.CommandLine(new TrainCommand()).getCommandSpec();
        for (var o : spec.options()) assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName() + " has no description");
        assertTrue(ClipTokenizer.bytesOnly().vocabulary().size() > 0);
    }
}
