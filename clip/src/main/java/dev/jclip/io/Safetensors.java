package dev.jclip.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.torch.DType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face safetensors files: an 8-byte little-endian header length N, N
 * bytes of JSON ({@code name -> {dtype, shape, data_offsets}} plus an optional
 * {@code __metadata__} string map), then the raw little-endian C-order data. Reading maps the file
 * and returns zero-copy views; writing goes to a temporary file in the target folder that is
 * renamed over the target only once complete.
 *
 * <pre>{@code
 * try (StateDict sd = Safetensors.read(Path.of("model.safetensors"))) {
 *     Safetensors.write(Path.of("copy.safetensors"), sd.tensors(), Map.of("format", "pt"));
 * }
 * }</pre>
 */
public final class Safetensors {
    /** The reference implementation refuses headers above 100 MB; so do we (it means a corrupt length). */
    static final long MAX_HEADER = 100L << 20;
    static final String METADATA_KEY = "__metadata__";
    /** Duplicate keys are refused, as the reference's parser does (one name, one tensor). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Safetensors() {}

    /** The safetensors dtype string ({@code F32}, {@code BF16}, {@code BOOL}, ...) of {@code d}. */
    public static String dtypeName(DType d) { return d.name(); }

    /** The dtype of a safetensors dtype string, or null if jclip has no such dtype. */
    public static DType dtypeOf(String s) {
        for (DType d : DType.values()) if (d.name().equals(s)) return d;
        return null;
    }

    /** Maps {@code file} and returns its tensors (header order) and metadata. */
    public static StateDict read(Path file) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment m = MappedFile.map(file, arena);
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            parse(file, m, arena, tensors, metadata);
            return new StateDict(tensors, metadata, arena, CheckpointFormat.SAFETENSORS, file);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Maps {@code file} into {@code arena}, which the caller owns (several shards, one owner). */
    static StateDict read(Path file, Arena arena) {
        MemorySegment m = MappedFile.map(file, arena);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        parse(file, m, arena, tensors, metadata);
        return new StateDict(tensors, metadata, arena, CheckpointFormat.SAFETENSORS, file);
    }

    /** Whether {@code head} (the first bytes of a file) looks like a safetensors header. */
    static boolean looksLike(MemorySegment head, long fileSize) {
        if (head.byteSize() < 9) return false;
        long n = head.get(U64, 0);
        return n > 0 && n <= fileSize - 8 && n <= MAX_HEADER && head.get(ValueLayout.JAVA_BYTE, 8) == '{';
    }

    private record Span(String name, long begin, long end) {}

    private static void parse(Path file, MemorySegment m, Arena arena, Map<String, TensorData> tensors,
                              Map<String, String> metadata) {
        long size = m.byteSize();
        if (size < 8) throw new CheckpointException(file, "file of " + size + " bytes is too short for a safetensors header length (8 bytes)");
        long n = m.get(U64, 0);
        if (n < 0 || n > size - 8)
            throw new CheckpointException(file, "header length " + Long.toUnsignedString(n) + " goes beyond the end of the file (" + size + " bytes)");
        if (n > MAX_HEADER) throw new CheckpointException(file, "header length " + n + " exceeds the 100 MB limit");
        byte[] headerBytes = m.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new CheckpointException(file, "header is not valid JSON" + (loc == null ? "" : " at byte " + (8 + loc.getByteOffset()))
                    + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new CheckpointException(file, "header is not valid JSON: " + oneLine(e.getMessage()));
        }
        if (header == null || !header.isObject()) throw new CheckpointException(file, "header is not a JSON object");
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA_KEY)) {
                readMetadata(file, v, metadata);
                continue;
            }
            if (!v.isObject()) throw new CheckpointException(file, "tensor '" + name + "': header entry is not an object");
            JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
            if (dt == null || !dt.isTextual()) throw new CheckpointException(file, "tensor '" + name + "': missing or non-string 'dtype'");
            DType dtype = dtypeOf(dt.asText());
            if (dtype == null) throw new CheckpointException(file, "tensor '" + name + "': unsupported dtype '" + dt.asText() + "'");
            long[] shape = longs(file, name, "shape", sh, -1);
            long[] o = longs(file, name, "data_offsets", off, 2);
            if (o[0] > o[1] || o[1] > dataLen)
                throw new CheckpointException(file, "tensor '" + name + "': data_offsets " + Arrays.toString(o)
                        + " lie outside the data section (" + dataLen + " bytes from offset " + dataStart + ")");
            long need;
            try {
                need = dtype.byteSize();
                for (long s : shape) need = Math.multiplyExact(need, s);
            } catch (ArithmeticException ex) {
                throw new CheckpointException(file, "tensor '" + name + "': shape " + Arrays.toString(shape) + " overflows");
            }
            if (need != o[1] - o[0])
                throw new CheckpointException(file, "tensor '" + name + "': dtype " + dtype.name() + " shape " + Arrays.toString(shape)
                        + " needs " + need + " bytes but data_offsets " + Arrays.toString(o) + " hold " + (o[1] - o[0]));
            spans.add(new Span(name, o[0], o[1]));
            MemorySegment data = MappedFile.viewOrCopy(m, dataStart + o[0], need, dtype.byteSize(), arena);
            tensors.put(name, TensorData.contiguous(dtype, shape, data));
        }
        // As the reference validates: sorted by offsets, the tensors tile the data section exactly,
        // with no overlap, no gap and nothing after the last one.
        spans.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        long expected = 0;
        Span prev = null;
        for (Span b : spans) {
            if (b.begin < expected)
                throw new CheckpointException(file, "tensors '" + prev.name + "' [" + prev.begin + ", " + prev.end + ") and '" + b.name
                        + "' [" + b.begin + ", " + b.end + ") overlap");
            if (b.begin > expected)
                throw new CheckpointException(file, "tensor '" + b.name + "' starts at data offset " + b.begin + " but "
                        + (prev == null ? "the data section starts at 0" : "'" + prev.name + "' ends at " + expected)
                        + ": a gap of " + (b.begin - expected) + " bytes (invalid offsets)");
            expected = b.end;
            prev = b;
        }
        if (expected != dataLen)
            throw new CheckpointException(file, "the data section holds " + dataLen + " bytes but the tensors end at " + expected
                    + ": " + (dataLen - expected) + " trailing bytes (truncated header or appended data)");
    }

    private static String oneLine(String s) {
        if (s == null) return "";
        String t = s.replaceAll("\\s*\\R\\s*", " ").strip();
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }

    private static void readMetadata(Path file, JsonNode v, Map<String, String> metadata) {
        if (!v.isObject()) throw new CheckpointException(file, METADATA_KEY + " is not an object");
        for (Map.Entry<String, JsonNode> me : v.properties()) {
            if (!me.getValue().isTextual())
                throw new CheckpointException(file, METADATA_KEY + " value of '" + me.getKey() + "' is not a string");
            metadata.put(me.getKey(), me.getValue().asText());
        }
    }

    private static long[] longs(Path file, String name, String field, JsonNode node, int expectedLen) {
        if (node == null || !node.isArray() || (expectedLen >= 0 && node.size() != expectedLen))
            throw new CheckpointException(file, "tensor '" + name + "': '" + field + "' must be an array"
                    + (expectedLen >= 0 ? " of " + expectedLen + " integers" : " of integers"));
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = node.get(i);
            if (!x.canConvertToLong() || !x.isIntegralNumber() || x.asLong() < 0)
                throw new CheckpointException(file, "tensor '" + name + "': '" + field + "' holds " + x + ", not a non-negative integer");
            out[i] = x.asLong();
        }
        return out;
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file} atomically (temporary file in the
     * same folder, then rename). Tensors are laid out by element size, largest first, keeping the
     * given order among equal sizes, so that every tensor stays aligned for zero-copy reading.
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, TensorData>> order = new ArrayList<>(tensors.entrySet());
        order.sort(Comparator.comparingInt((Map.Entry<String, TensorData> e) -> -e.getValue().dtype().byteSize()));
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode md = header.putObject(METADATA_KEY);
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : order) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals(METADATA_KEY))
                throw new CheckpointException(file, "cannot write a tensor named '" + name + "'");
            TensorData t = e.getValue();
            ObjectNode entry = header.putObject(name);
            entry.put("dtype", dtypeName(t.dtype()));
            var shape = entry.putArray("shape");
            for (long s : t.shape()) shape.add(s);
            long end = offset + t.byteSize();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "cannot encode header: " + e.getOriginalMessage(), e);
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        AtomicFile.write(file, ch -> {
            ch.write(head);
            for (Map.Entry<String, TensorData> e : order) writeTensor(ch, e.getValue());
        });
    }

    /** Writes one tensor's elements in C order (a copy only when it is not contiguous). */
    static void writeTensor(FileChannel ch, TensorData t) throws IOException {
        try (Arena tmp = Arena.ofConfined()) {
            writeSegment(ch, t.contiguousData(tmp));
        }
    }

    /** Writes a segment of any size (ByteBuffers stop at 2 GiB, so in chunks). */
    static void writeSegment(FileChannel ch, MemorySegment seg) throws IOException {
        final long chunk = 1L << 30;
        for (long pos = 0; pos < seg.byteSize(); pos += chunk) {
            ByteBuffer bb = seg.asSlice(pos, Math.min(chunk, seg.byteSize() - pos)).asByteBuffer();
            while (bb.hasRemaining()) ch.write(bb);
        }
    }
}
