package dev.jclip.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry point for every supported checkpoint: the format is told by content, not by file
 * extension (a zip with {@code constants.pkl} or {@code code/} is TorchScript, a zip with
 * {@code data.pkl} is {@code torch.save}, an 8-byte length followed by <code>&#123;</code> is safetensors).
 *
 * <pre>{@code
 * try (StateDict sd = Checkpoints.loadClip(Path.of("open_clip_model.bin"))) { // OpenAI names
 *     sd.get("visual.proj");
 * }
 * Checkpoints.convert(Path.of("ViT-B-32.pt"), Path.of("ViT-B-32.safetensors"), true);
 * }</pre>
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** The format of {@code file}, from its first bytes and (for zips) its entry names. */
    public static CheckpointFormat detect(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment head = head(file, arena);
            if (ZipStore.looksLike(head)) return zipFormat(ZipStore.open(file, arena));
            return headFormat(file, head);
        }
    }

    /** Reads {@code file} with the reader its content calls for; names stay as in the file. */
    public static StateDict load(Path file) {
        MemorySegment head;
        try (Arena a = Arena.ofConfined()) {
            head = MemorySegment.ofArray(head(file, a).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        if (!ZipStore.looksLike(head)) {
            headFormat(file, head);
            return Safetensors.read(file);
        }
        Arena arena = Arena.ofShared();
        try {
            ZipStore z = ZipStore.open(file, arena);
            return zipFormat(z) == CheckpointFormat.TORCHSCRIPT ? TorchScriptArchive.read(z, arena) : TorchZip.read(z, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** {@link #load} then {@link ClipNames#toOpenAI}: OpenAI's canonical CLIP parameter names. */
    public static StateDict loadClip(Path file) {
        StateDict raw = load(file);
        try {
            return ClipNames.toOpenAI(raw);
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Copies the tensors of any supported checkpoint file to safetensors (atomically), with
     * OpenAI's names when {@code canonicalNames}; the metadata keeps the source's and adds
     * {@code format=pt} and {@code source_format}. No architecture is recorded here: a
     * self-contained CLIP file (architecture, tokenizer, preprocessing) is
     * the model package's {@code LoadedClip.convert}'s job.
     *
     * @return the tensor count and bytes written, as {@code {count, bytes}}
     */
    public static long[] convert(Path in, Path out, boolean canonicalNames) {
        try (StateDict sd = canonicalNames ? loadClip(in) : load(in)) {
            Map<String, String> md = new LinkedHashMap<>(sd.metadata());
            md.putIfAbsent("format", "pt");
            md.put("source_format", sd.format().label());
            md.remove("config"); // a stale config would mislead
            Safetensors.write(out, sd.tensors(), md);
            return new long[]{sd.size(), sd.totalBytes()};
        }
    }

    private static CheckpointFormat zipFormat(ZipStore z) {
        if (z.has("constants.pkl") || z.hasFolder("code/")) return CheckpointFormat.TORCHSCRIPT;
        return CheckpointFormat.TORCH_ZIP;
    }

    private static CheckpointFormat headFormat(Path file, MemorySegment head) {
        long size = fileSize(file);
        if (Safetensors.looksLike(head, size)) return CheckpointFormat.SAFETENSORS;
        // A JSON header after 8 bytes is safetensors with a bad length: let its parser say what is wrong.
        if (head.byteSize() >= 9 && head.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 8) == '{') return CheckpointFormat.SAFETENSORS;
        if (head.byteSize() >= 2 && head.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == (byte) 0x80)
            throw new CheckpointException(file, "a bare pickle: the legacy (PyTorch < 1.6) torch.save format is not supported; re-save it with a recent torch.save");
        throw new CheckpointException(file, "unknown checkpoint format (neither a PyTorch zip archive nor safetensors)");
    }

    private static MemorySegment head(Path file, Arena arena) {
        MappedFile.requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(16);
            while (b.hasRemaining() && ch.read(b) > 0) { /* fill */ }
            b.flip();
            MemorySegment s = arena.allocate(Math.max(b.remaining(), 1)).asSlice(0, b.remaining());
            s.copyFrom(MemorySegment.ofBuffer(b));
            return s;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + MappedFile.reason(e), e);
        }
    }

    private static long fileSize(Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + MappedFile.reason(e), e);
        }
    }
}
