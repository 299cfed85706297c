package dev.jclip.io;

import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.TorchException;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17's crafted checkpoints (the corpus is generated here, each file a few hundred bytes to
 * a few MB): each is refused with one line naming the file and the problem, quickly, without
 * allocating what it declares (peak RSS growth checked where Linux lets a process reset it).
 */
class CraftedInputsTest {
    @TempDir Path dir;

    /** Reads {@code f} with {@code Checkpoints.load}; returns the one-line message. */
    static String refused(Path f, String... expected) {
        long before = PeakRss.reset();
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (StateDict sd = Checkpoints.load(f)) { sd.names(); }
        });
        PeakRss.assertGrowthBelow(before, 256L << 20, f.getFileName().toString());
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains(f.getFileName().toString()), "names the file: " + m);
        for (String x : expected) assertTrue(m.contains(x), "'" + x + "' in: " + m);
        assertTrue(m.length() < 400, "short: " + m);
        return m;
    }

    // ---- zip size fields (item 7) --------------------------------------------------------

    @Test void deflatedPickleClaimingFourGiBIsRefusedBeforeAllocation() throws IOException {
        Path f = zip("claims4g.pt", Map.of("archive/data.pkl", BrokenFilesTest.tensorPickle(p -> p, "FloatStorage", 4,
                new long[]{4}, new long[]{1}, 0), "archive/data/0", new byte[16]), true);
        patchCentral(f, "archive/data.pkl", 24, 0xFFFF_FFF0);
        refused(f, "archive/data.pkl", "64 MiB", "jclip.maxPickleBytes");
    }

    @Test void storedEntryWhoseSizesDisagreeIsRefused() throws IOException {
        Path f = zip("stored.pt", Map.of("archive/data.pkl", BrokenFilesTest.tensorPickle(p -> p, "FloatStorage", 4,
                new long[]{4}, new long[]{1}, 0), "archive/data/0", new byte[16]), false);
        patchCentral(f, "archive/data/0", 24, 0xFFFF_FFF0);
        refused(f, "archive/data/0", "declares size 4294967280 but compressed size 16");
    }

    @Test void zip64ClaimOfOneTiBIsRefused() throws IOException {
        Path f = dir.resolve("zip64.pt");
        byte[] pkl = BrokenFilesTest.tensorPickle(p -> p, "FloatStorage", 4, new long[]{4}, new long[]{1}, 0);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(f)) {
            z.setUseZip64(Zip64Mode.Always);
            for (var e : Map.of("archive/data.pkl", pkl, "archive/data/0", new byte[16]).entrySet()) {
                ZipArchiveEntry ze = new ZipArchiveEntry(e.getKey());
                ze.setMethod(ZipArchiveEntry.DEFLATED);
                z.putArchiveEntry(ze);
                z.write(e.getValue());
                z.closeArchiveEntry();
            }
        }
        byte[] b = Files.readAllBytes(f);
        int cd = central(b, "archive/data.pkl");
        int x = cd + 46 + "archive/data.pkl".length();
        assertEquals(1, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(x), "ZIP64 extra first");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(x + 4, 1L << 40); // uncompressed size: 1 TiB
        Files.write(f, b);
        refused(f, "archive/data.pkl", "1099511627776");
    }

    @Test void zipBombStorageIsNotInflated() throws IOException {
        // 600 MiB of zeros deflate to ~600 KB; the bound is checked on the declared size before any
        // inflation, so the compressed bytes need not be real (saves deflating 600 MiB in the test).
        long size = 600L << 20;
        ByteArrayOutputStream comp = new ByteArrayOutputStream();
        comp.writeBytes(new byte[(int) (size / 1000)]);
        byte[] pkl = BrokenFilesTest.tensorPickle(p -> p, "ByteStorage", size, new long[]{size}, new long[]{1}, 0);
        Path f = rawZip("bomb.pt", pkl, comp.toByteArray(), size);
        assertTrue(Files.size(f) < 10 << 20);
        refused(f, "archive/data/0", "512 MiB", "jclip.maxInflatedBytes");
    }

    @Test void deflateRatioBeyondWhatDeflateCanDoIsRefused() throws IOException {
        byte[] pkl = BrokenFilesTest.tensorPickle(p -> p, "ByteStorage", 16, new long[]{16}, new long[]{1}, 0);
        Path f = rawZip("ratio.pt", pkl, new byte[]{3, 0}, 100L << 20); // 2 compressed bytes "inflate" to 100 MiB
        refused(f, "archive/data/0", "maximum ratio");
    }

    // ---- pickle length fields and structures (item 8) -------------------------------------

    @Test void pickleLengthFieldsAreCheckedAgainstWhatRemains() throws IOException {
        for (int op : new int[]{'X', 'B', 'T', 0x8b}) {
            byte[] pkl = ByteBuffer.allocate(260).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x80).put((byte) 2).put((byte) op)
                    .putInt(Integer.MAX_VALUE).array();
            Path f = zip("len" + Integer.toHexString(op) + ".pt", Map.of("archive/data.pkl", pkl), false);
            refused(f, "archive/data.pkl", "declares a length of 2147483647 bytes but only", "byte 2");
        }
        byte[] pkl8 = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x80).put((byte) 4).put((byte) 0x8d)
                .putLong(1L << 40).array();
        refused(zip("len8.pt", Map.of("archive/data.pkl", pkl8), false), "declares a length of 1099511627776 bytes");
    }

    @Test void selfContainingDictIsRefused() throws IOException {
        // {} ; memo[0] = d ; d['a'] = d
        byte[] pkl = {(byte) 0x80, 2, '}', 'q', 0, 'X', 1, 0, 0, 0, 'a', 'h', 0, 's', '.'};
        refused(zip("selfdict.pt", Map.of("archive/data.pkl", pkl), false), "contained in itself");
    }

    @Test void deeplyNestedDictsAreRefused() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80); b.write(2); b.write('}');
        int n = 100_000;
        for (int i = 0; i < n; i++) { b.writeBytes(new byte[]{'X', 1, 0, 0, 0, 'a'}); b.write('}'); }
        for (int i = 0; i < n; i++) b.write('s');
        b.write('.');
        refused(zip("nested.pt", Map.of("archive/data.pkl", b.toByteArray()), false), "nested deeper than 1000");
    }

    @Test void selfContainingListAsADictKeyIsRefused() throws IOException {
        // l = [] ; l.append(l) ; {l: 1}
        byte[] pkl = {(byte) 0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'K', 1, 's', '.'};
        refused(zip("listkey.pt", Map.of("archive/data.pkl", pkl), false), "unhashable list");
    }

    @Test void malformedPicklesGetOneLineNamingOffsetAndOpcode() throws IOException {
        refused(zip("setitem.pt", Map.of("archive/data.pkl", new byte[]{(byte) 0x80, 2, 'X', 1, 0, 0, 0, 'a', 'K', 1, 'K', 2, 's', '.'}), false),
                "malformed pickle at byte", "opcode 's'", "not a dict");
        refused(zip("empty.pt", Map.of("archive/data.pkl", new byte[]{(byte) 0x80, 2, 's', '.'}), false), "malformed pickle at byte 2");
        refused(zip("cut.pt", Map.of("archive/data.pkl", new byte[]{(byte) 0x80, 2, 'X', 5, 0}), false), "malformed pickle");
    }

    // ---- safetensors (items 10, 13) -------------------------------------------------------

    @Test void safetensorsGapsTrailingBytesAndDuplicateKeysAreRefused() throws IOException {
        refused(safetensors("gap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "'b' starts at data offset 8", "gap of 4 bytes");
        refused(safetensors("trail.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9), "5 trailing bytes");
        refused(safetensors("dup.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate field 'a'");
    }

    @Test void safetensorsBadHeaderLengthGetsTheParsersMessage() throws IOException {
        Path f = dir.resolve("badlen.safetensors");
        byte[] h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        Files.write(f, ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 50).put(h).array());
        refused(f, "header length 1125899906842624 goes beyond the end of the file");
    }

    @Test void fifoGivenAsACheckpointIsRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("model.pipe");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo unavailable");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(fifo, "not a regular file"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(fifo)).getMessage().contains("FIFO")));
    }

    // ---- zero-copy tensors outliving their StateDict (item 1) -----------------------------

    @Test void viewsOfAClosedStateDictsTensorsThrow() throws IOException {
        Path f = dir.resolve("w.safetensors");
        try (var a = java.lang.foreign.Arena.ofConfined()) {
            var seg = a.allocate(24);
            Safetensors.write(f, Map.of("w", TensorData.contiguous(DType.F32, new long[]{2, 3}, seg)), Map.of());
        }
        Tensor t, v;
        StateDict sd = Safetensors.read(f);
        try (Scope s = Scope.open()) {
            t = s.keep(sd.get("w").toTensor().t());
            v = s.keep(sd.get("w").toTensor().narrow(1, 1, 2));
        }
        sd.close();
        for (Consumer<Tensor> use : java.util.List.<Consumer<Tensor>>of(Tensor::sum, x -> x.fill_(1), Tensor::toFloatArray)) {
            for (Tensor x : new Tensor[]{t, v}) {
                TorchException e = assertThrows(TorchException.class, () -> use.accept(x));
                assertTrue(e.getMessage().contains("memory segment was freed"), e.getMessage());
            }
        }
        t.close();
        v.close();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Path zip(String name, Map<String, byte[]> entries, boolean deflate) throws IOException {
        Path f = dir.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(f)) {
            for (var e : new java.util.TreeMap<>(entries).entrySet()) {
                ZipArchiveEntry ze = new ZipArchiveEntry(e.getKey());
                ze.setMethod(deflate ? ZipArchiveEntry.DEFLATED : ZipArchiveEntry.STORED);
                z.putArchiveEntry(ze);
                z.write(e.getValue());
                z.closeArchiveEntry();
            }
        }
        return f;
    }

    /** A zip with a stored data.pkl and a deflated data/0 given as raw deflate bytes and declared size. */
    private Path rawZip(String name, byte[] pkl, byte[] deflated, long size) throws IOException {
        Path f = dir.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(f)) {
            ZipArchiveEntry p = new ZipArchiveEntry("archive/data.pkl");
            p.setMethod(ZipArchiveEntry.STORED);
            z.putArchiveEntry(p);
            z.write(pkl);
            z.closeArchiveEntry();
            ZipArchiveEntry d = new ZipArchiveEntry("archive/data/0");
            d.setMethod(ZipArchiveEntry.DEFLATED);
            d.setSize(size);
            d.setCompressedSize(deflated.length);
            d.setCrc(0);
            z.addRawArchiveEntry(d, new java.io.ByteArrayInputStream(deflated));
        }
        return f;
    }

    private static void patchCentral(Path f, String entry, int field, int value) throws IOException {
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(central(b, entry) + field, value);
        Files.write(f, b);
    }

    private static int central(byte[] b, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 46; i >= 0; i--) {
            if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 1 && b[i + 3] == 2 && i + 46 + n.length <= b.length
                    && Arrays.equals(Arrays.copyOfRange(b, i + 46, i + 46 + n.length), n)) return i;
        }
        throw new AssertionError("no central directory record for " + name);
    }

    private Path safetensors(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve(name);
        Files.write(f, ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        return f;
    }
}
