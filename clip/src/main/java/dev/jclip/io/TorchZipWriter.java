package dev.jclip.io;

import dev.jclip.torch.DType;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a state dict in the zip format of {@code torch.save(state_dict, f)} (PyTorch >= 1.6),
 * readable by {@code torch.load(f, weights_only=True)} and by {@link TorchZip}:
 * {@code <archive>/data.pkl} (protocol 2: an OrderedDict of {@code _rebuild_tensor_v2} calls
 * with persistent ids), {@code <archive>/byteorder}, one stored, 64-byte aligned
 * {@code <archive>/data/<key>} entry per storage, {@code <archive>/version}. Tensors that share a
 * storage segment share one storage entry, with their offsets and strides kept. The file is
 * written atomically.
 *
 * <pre>{@code
 * TorchZipWriter.write(Path.of("weights.pt"), stateDict.tensors());
 * }</pre>
 */
public final class TorchZipWriter {
    private static final Map<DType, String> STORAGE_CLASS = new EnumMap<>(Map.of(
            DType.F32, "FloatStorage", DType.F64, "DoubleStorage", DType.F16, "HalfStorage", DType.BF16, "BFloat16Storage",
            DType.I64, "LongStorage", DType.I32, "IntStorage", DType.I16, "ShortStorage", DType.I8, "CharStorage",
            DType.U8, "ByteStorage", DType.BOOL, "BoolStorage"));
    /** 1980-01-01, the zip epoch: constant timestamps make the output reproducible. */
    private static final long ZIP_EPOCH = 315532800000L;

    private TorchZipWriter() {}

    /** Writes {@code tensors} under archive folder {@code archive}. */
    public static void write(Path file, Map<String, TensorData> tensors) {
        write(file, tensors, "archive");
    }

    /** Writes {@code tensors}; {@code archive} is the top folder name inside the zip. */
    public static void write(Path file, Map<String, TensorData> tensors, String archive) {
        Map<MemorySegment, String> keys = new HashMap<>();
        Map<String, TensorData> storages = new LinkedHashMap<>(); // key -> whole storage as a 1-D tensor
        PickleWriter p = new PickleWriter().proto().memoGlobal("collections", "OrderedDict").emptyTuple().reduce().mark();
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            TensorData t = e.getValue();
            String key = keys.get(t.storage());
            if (key == null || storages.get(key).dtype() != t.dtype()) {
                key = Integer.toString(storages.size());
                keys.put(t.storage(), key);
                long numel = t.storage().byteSize() / t.dtype().byteSize();
                storages.put(key, TensorData.contiguous(t.dtype(), new long[]{numel}, t.storage()));
            }
            long numel = storages.get(key).numel();
            p.string(e.getKey()).memoGlobal("torch._utils", "_rebuild_tensor_v2").mark()
                    .mark().string("storage").memoGlobal("torch", STORAGE_CLASS.get(t.dtype())).string(key).string("cpu").integer(numel).tuple()
                    .binpersid().integer(t.storageOffset()).intTuple(t.shape()).intTuple(t.strides()).bool(false)
                    .memoGlobal("collections", "OrderedDict").emptyTuple().reduce()
                    .tuple().reduce();
        }
        byte[] pickle = p.setitems().stop().toByteArray();
        AtomicFile.write(file, ch -> {
            ZipArchiveOutputStream zip = new ZipArchiveOutputStream(ch);
            put(zip, archive + "/data.pkl", MemorySegment.ofArray(pickle));
            put(zip, archive + "/byteorder", MemorySegment.ofArray("little".getBytes(StandardCharsets.US_ASCII)));
            for (Map.Entry<String, TensorData> s : storages.entrySet())
                put(zip, archive + "/data/" + s.getKey(), s.getValue().storage().asSlice(0, s.getValue().byteSize()));
            put(zip, archive + "/version", MemorySegment.ofArray("3\n".getBytes(StandardCharsets.US_ASCII)));
            zip.finish(); // not close(): AtomicFile still flushes and closes the channel
        });
    }

    private static void put(ZipArchiveOutputStream zip, String name, MemorySegment data) throws IOException {
        ZipArchiveEntry e = new ZipArchiveEntry(name);
        e.setMethod(ZipArchiveEntry.STORED);
        e.setAlignment(64); // what PyTorch's writer does, so that readers can map tensors in place
        e.setTime(ZIP_EPOCH);
        zip.putArchiveEntry(e);
        byte[] buf = new byte[(int) Math.min(data.byteSize(), 1 << 20)];
        for (long pos = 0; pos < data.byteSize(); pos += buf.length) {
            int n = (int) Math.min(buf.length, data.byteSize() - pos);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, buf, 0, n);
            zip.write(buf, 0, n);
        }
        zip.closeArchiveEntry();
    }
}
