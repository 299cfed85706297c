package dev.jclip.io;

import dev.jclip.torch.DType;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** Broken checkpoints give a clear exception naming the problem, never a crash or a wrong tensor. */
class BrokenFilesTest {
    @TempDir Path dir;

    // ---- torch.save zips ------------------------------------------------------------------

    @Test
    void truncatedZipIsReported() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.modelDirs().get(0).resolve("state_dict.pt"));
        Path cut = dir.resolve("cut.pt");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(cut));
        assertTrue(e.getMessage().contains("not a readable zip archive"), e.getMessage());
        assertTrue(e.getMessage().contains("cut.pt"), e.getMessage());
        // Checkpoints.load takes the same path: the zip signature is still there
        assertThrows(CheckpointException.class, () -> Checkpoints.load(cut));
    }

    @Test
    void entryBeyondTheEndIsReported() throws IOException {
        // A directory that promises more data than the file holds (data truncated, directory kept).
        Path f = dir.resolve("short.pt");
        byte[] storage = new byte[4096];
        writeZip(f, Map.of("archive/data.pkl", tensorPickle(g -> g, "FloatStorage", 1024, new long[]{1024}, new long[]{1}, 0),
                "archive/data/0", storage));
        byte[] b = Files.readAllBytes(f);
        // Shrink the stored size in nothing but grow the recorded one: patch the central directory entry of data/0.
        int cd = lastIndexOf(b, new byte[]{0x50, 0x4b, 0x01, 0x02}, "archive/data/0");
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(cd + 20, 1 << 20).putInt(cd + 24, 1 << 20);
        Files.write(f, b);
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("archive/data/0") && e.getMessage().contains("beyond the end of the file"), e.getMessage());
    }

    @Test
    void missingStorageEntryIsNamed() throws IOException {
        Path f = dir.resolve("missing.pt");
        writeZip(f, Map.of("archive/data.pkl", tensorPickle(g -> g, "FloatStorage", 4, new long[]{4}, new long[]{1}, 0)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("missing entry 'archive/data/0'"), e.getMessage());
    }

    @Test
    void unknownPickleGlobalIsNamedAndNeverConstructed() throws IOException {
        Path f = dir.resolve("evil.pt");
        PickleWriter p = new PickleWriter().proto().global("os", "system").mark().string("echo pwned").tuple().reduce().stop();
        writeZip(f, Map.of("archive/data.pkl", p.toByteArray()));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("'os.system'") && e.getMessage().contains("allow-list"), e.getMessage());
        assertTrue(e.getMessage().contains("archive/data.pkl"), e.getMessage());
    }

    @Test
    void unknownGlobalViaStackGlobalIsRejected() throws IOException {
        Path f = dir.resolve("evil4.pt");
        // protocol 4 STACK_GLOBAL (0x93) with module/name pushed as strings
        PickleWriter p = new PickleWriter().proto().string("builtins").string("eval").raw(new byte[]{(byte) 0x93}).stop();
        writeZip(f, Map.of("archive/data.pkl", p.toByteArray()));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("'builtins.eval'"), e.getMessage());
    }

    @Test
    void moduleClassesAreRejectedOutsideTorchScript() throws IOException {
        Path f = dir.resolve("module.pt");
        PickleWriter p = new PickleWriter().proto().global("__torch__.clip.model", "CLIP").emptyTuple().reduce().stop();
        writeZip(f, Map.of("archive/data.pkl", p.toByteArray()));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("'__torch__.clip.model.CLIP'"), e.getMessage());
    }

    @Test
    void shapeThatDoesNotFitTheStorageIsReported() throws IOException {
        Path f = dir.resolve("shape.pt");
        // storage of 4 floats, tensor claims [10]
        writeZip(f, Map.of("archive/data.pkl", tensorPickle(g -> g, "FloatStorage", 4, new long[]{10}, new long[]{1}, 0),
                "archive/data/0", new byte[16]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("needs 40 bytes but the storage holds 16"), e.getMessage());
        assertTrue(e.getMessage().contains("storage '0'"), e.getMessage());
    }

    @Test
    void storageSmallerThanDeclaredIsReported() throws IOException {
        Path f = dir.resolve("small.pt");
        writeZip(f, Map.of("archive/data.pkl", tensorPickle(g -> g, "DoubleStorage", 4, new long[]{4}, new long[]{1}, 0),
                "archive/data/0", new byte[16]));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchZip.read(f));
        assertTrue(e.getMessage().contains("'archive/data/0' holds 16 bytes but the pickle declares 4 elements of float64 (32 bytes)"),
                e.getMessage());
    }

    @Test
    void zipWithoutPickleIsNotACheckpoint() throws IOException {
        Path f = dir.resolve("plain.zip");
        writeZip(f, Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(f));
        assertTrue(e.getMessage().contains("without a data.pkl"), e.getMessage());
    }

    @Test
    void unknownAndLegacyFormatsAreNamed() throws IOException {
        Path junk = dir.resolve("junk.bin");
        Files.write(junk, "just some text, not weights".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.load(junk)).getMessage().contains("unknown checkpoint format"));
        Path legacy = dir.resolve("legacy.pt");
        Files.write(legacy, new byte[]{(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc});
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.load(legacy)).getMessage().contains("legacy"));
        Path none = dir.resolve("none.pt");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoints.load(none)).getMessage().contains("no such file"));
    }

    // ---- safetensors ----------------------------------------------------------------------

    @Test
    void headerLengthBeyondTheFileIsReported() throws IOException {
        Path f = dir.resolve("long.safetensors");
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000_000).put("{}".getBytes(StandardCharsets.UTF_8));
        Files.write(f, b.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("header length 1000000 goes beyond the end of the file (64 bytes)"), e.getMessage());
    }

    @Test
    void overlappingOffsetsAreReported() throws IOException {
        Path f = safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("'a' [0, 16) and 'b' [8, 16) overlap"), e.getMessage());
    }

    @Test
    void dtypeAndShapeThatDoNotFitTheOffsetsAreReported() throws IOException {
        Path f = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 24);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("tensor 'w': dtype F32 shape [2, 3] needs 24 bytes but data_offsets [0, 20] hold 20"), e.getMessage());
    }

    @Test
    void offsetsBeyondTheDataAreReported() throws IOException {
        Path f = safetensors("{\"w\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,32]}}", 16);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("tensor 'w': data_offsets [0, 32] lie outside the data section (16 bytes"), e.getMessage());
    }

    @Test
    void badDtypeJsonAndMetadataAreReported() throws IOException {
        Path f1 = safetensors("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 8);
        assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(f1)).getMessage().contains("unsupported dtype 'F8_E4M3'"));
        Path f2 = safetensors("{\"w\": [", 8);
        assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(f2)).getMessage().contains("not valid JSON"));
        Path f3 = safetensors("{\"__metadata__\":{\"n\":3}}", 0);
        assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(f3)).getMessage().contains("'n' is not a string"));
        Path f4 = dir.resolve("tiny.safetensors");
        Files.write(f4, new byte[]{1, 2, 3});
        assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(f4)).getMessage().contains("too short"));
    }

    @Test
    void failedWriteLeavesNoPartialFile() throws IOException {
        Path target = dir.resolve("out.safetensors");
        Files.writeString(target, "previous content");
        Arena gone = Arena.ofShared();
        MemorySegment seg = gone.allocate(16);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (Arena ok = Arena.ofConfined()) {
            tensors.put("a", TensorData.contiguous(DType.F32, new long[]{4}, ok.allocate(16)));
            tensors.put("b", TensorData.contiguous(DType.F32, new long[]{4}, seg));
            gone.close(); // b's memory is released: the write fails half-way through the data
            assertThrows(IllegalStateException.class, () -> Safetensors.write(target, tensors, Map.of()));
            assertThrows(IllegalStateException.class, () -> TorchZipWriter.write(dir.resolve("out.pt"), tensors));
        }
        assertEquals("previous content", Files.readString(target));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "temporary files left behind");
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    /** data.pkl for {@code {"w": tensor}} over storage key "0". */
    static byte[] tensorPickle(Function<PickleWriter, PickleWriter> extra, String storageClass, long numel,
                               long[] shape, long[] stride, long offset) {
        PickleWriter p = new PickleWriter().proto().global("collections", "OrderedDict").emptyTuple().reduce().mark()
                .string("w").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().string("storage").global("torch", storageClass).string("0").string("cpu").integer(numel).tuple()
                .binpersid().integer(offset).intTuple(shape).intTuple(stride).bool(false)
                .global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
        return extra.apply(p).setitems().stop().toByteArray();
    }

    static void writeZip(Path f, Map<String, byte[]> entries) throws IOException {
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(f)) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                ZipArchiveEntry ze = new ZipArchiveEntry(e.getKey());
                ze.setMethod(ZipArchiveEntry.STORED);
                z.putArchiveEntry(ze);
                z.write(e.getValue());
                z.closeArchiveEntry();
            }
        }
    }

    /** Offset of the central directory record (signature {@code sig}) of entry {@code name}. */
    private static int lastIndexOf(byte[] b, byte[] sig, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - sig.length; i >= 0; i--) {
            if (b[i] == sig[0] && b[i + 1] == sig[1] && b[i + 2] == sig[2] && b[i + 3] == sig[3]
                    && i + 46 + n.length <= b.length && Arrays.equals(Arrays.copyOfRange(b, i + 46, i + 46 + n.length), n))
                return i;
        }
        throw new AssertionError("no central directory record for " + name);
    }
}
