package dev.jclip.samples;

import dev.jclip.image.ClipPreprocess;
import dev.jclip.image.PreprocessBatch;
import dev.jclip.io.OutputGuard;
import dev.jclip.io.Safetensors;
import dev.jclip.io.TensorData;
import dev.jclip.torch.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clip preprocess --size N --out FILE.safetensors IMAGES...}: the reference's exact CLIP
 * preprocessing (Pillow's resize arithmetic), one float32 [3, N, N] tensor per image named by its
 * file name. Unreadable images are reported and skipped; the exit code is 1 if any was skipped.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Preprocess images exactly like openai/CLIP (resize, center crop, normalize) into a safetensors file.")
public final class PreprocessCommand implements Callable<Integer> {
    @Option(names = "--size", required = true, description = "Output resolution n_px (e.g. 224).")
    int size;

    @Option(names = "--out", required = true, description = "Output .safetensors file (written atomically).")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "IMAGES", description = "Image files (JPEG, PNG, GIF, BMP, WebP, TIFF).")
    List<Path> images;

    @Override public Integer call() {
        if (size <= 0) throw new IllegalArgumentException("--size must be positive, got " + size);
        OutputGuard.refuseInputs(out, "--out", "IMAGES", images);
        ClipPreprocess pre;
        try {
            pre = new ClipPreprocess(size);
        } catch (IllegalArgumentException tooLarge) {
            throw new IllegalArgumentException("--size " + size + ": " + tooLarge.getMessage(), tooLarge);
        }
        Arena arena = Arena.ofAuto();
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        long[] shape = {3, size, size};
        PreprocessBatch.Result r = PreprocessBatch.run(pre, images, (file, chw) -> {
            String name = file.getFileName().toString();
            if (tensors.containsKey(name)) throw new IllegalArgumentException("two images are named " + name + "; tensors are named by file name");
            tensors.put(name, TensorData.contiguous(DType.F32, shape, arena.allocateFrom(ValueLayout.JAVA_FLOAT, chw)));
        });
        for (PreprocessBatch.Failure f : r.failures()) System.err.println("skipped " + f.file() + ": " + f.reason());
        if (tensors.isEmpty()) {
            System.err.println("no image could be read; nothing written");
            return 1;
        }
        Safetensors.write(out, tensors, Map.of("n_px", Integer.toString(size), "producer", "jclip preprocess"));
        System.out.println("wrote " + tensors.size() + " tensor(s) [3, " + size + ", " + size + "] to " + out
                + (r.failures().isEmpty() ? "" : " (" + r.failures().size() + " skipped)"));
        return r.failures().isEmpty() ? 0 : 1;
    }
}
