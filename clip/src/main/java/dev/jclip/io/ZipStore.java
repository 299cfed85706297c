package dev.jclip.io;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PyTorch zip archive mapped into memory. {@link ZipDirectory} reads the central directory from
 * the mapping (ZIP64 included); each entry's data offset comes from its local header, so stored
 * entries (all tensor data in {@code torch.save} and {@code torch.jit.save} files) are zero-copy
 * slices, and deflated ones are inflated into the arena.
 */
final class ZipStore {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int LOCAL_HEADER_SIG = 0x04034b50;

    /** One entry: method, sizes, CRC, and where its local header starts. */
    record Entry(String name, int method, long size, long compressedSize, long crc, long localHeaderOffset) {}

    private final Path file;
    private final MemorySegment mapping;
    private final Arena arena;
    private final Map<String, Entry> entries;
    private final String prefix;
    /** Bytes inflated so far from this archive (bounded by {@link ReadLimits#MAX_INFLATED_BYTES}). */
    private long inflated;

    private ZipStore(Path file, MemorySegment mapping, Arena arena, Map<String, Entry> entries, String prefix) {
        this.file = file;
        this.mapping = mapping;
        this.arena = arena;
        this.entries = entries;
        this.prefix = prefix;
    }

    /** Maps {@code file} into {@code arena} and reads its directory; {@code prefix} is the top folder. */
    static ZipStore open(Path file, Arena arena) {
        MemorySegment m = MappedFile.map(file, arena);
        Map<String, Entry> entries;
        try {
            entries = ZipDirectory.read(m);
        } catch (ZipDirectory.BadZip | IndexOutOfBoundsException e) {
            throw new CheckpointException(file, "not a readable zip archive (truncated or corrupt?): " + e.getMessage(), e);
        }
        String prefix = findPrefix(file, entries);
        return new ZipStore(file, m, arena, Collections.unmodifiableMap(entries), prefix);
    }

    /** Whether the file starts like a zip archive. */
    static boolean looksLike(MemorySegment head) {
        return head.byteSize() >= 4 && head.get(U32, 0) == LOCAL_HEADER_SIG;
    }

    /**
     * The archive's top folder (PyTorch names it after the file, e.g. {@code archive/},
     * {@code state_dict/}, {@code ViT-B-32/}): the folder of the top-level {@code data.pkl}.
     */
    private static String findPrefix(Path file, Map<String, Entry> entries) {
        String found = null;
        for (String name : entries.keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                if (found != null && !found.equals(name.substring(0, slash + 1)))
                    throw new CheckpointException(file, "two top-level data.pkl entries: '" + found + "data.pkl' and '" + name + "'");
                found = name.substring(0, slash + 1);
            }
        }
        if (found == null && entries.containsKey("data.pkl")) found = "";
        if (found == null) throw new CheckpointException(file, "zip archive without a data.pkl entry: not a PyTorch checkpoint");
        return found;
    }

    Path file() { return file; }

    /** The top folder including its slash (may be empty). */
    String prefix() { return prefix; }

    /** Whether the archive holds {@code prefix + rel}. */
    boolean has(String rel) { return entries.containsKey(prefix + rel); }

    /** Whether any entry lies under {@code prefix + relDir}. */
    boolean hasFolder(String relDir) {
        String p = prefix + relDir;
        for (String n : entries.keySet()) if (n.startsWith(p)) return true;
        return false;
    }

    /** The entry {@code prefix + rel}, or null. */
    Entry entry(String rel) { return entries.get(prefix + rel); }

    /** The bytes of {@code prefix + rel}; throws naming the entry when it is missing or damaged. */
    MemorySegment data(String rel, String what) {
        Entry e = entries.get(prefix + rel);
        if (e == null) throw new CheckpointException(file, "missing entry '" + prefix + rel + "'" + (what == null ? "" : " (" + what + ")"));
        return data(e);
    }

    /** A pickle entry as a byte array, CRC-checked (pickles are small; tensor data is not checked, to stay lazy). */
    byte[] bytes(String rel, String what) {
        Entry e = entries.get(prefix + rel);
        if (e != null && e.size() > ReadLimits.MAX_PICKLE_BYTES)
            throw new CheckpointException(file, "entry '" + e.name() + "' declares " + e.size() + " bytes, more than the "
                    + ReadLimits.bytes(ReadLimits.MAX_PICKLE_BYTES) + " allowed for a pickle (-Djclip.maxPickleBytes)");
        MemorySegment s = data(rel, what);
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        CRC32 crc = new CRC32();
        crc.update(b);
        if (e.crc() >= 0 && crc.getValue() != e.crc())
            throw new CheckpointException(file, "entry '" + e.name() + "' fails its CRC check (corrupt archive)");
        return b;
    }

    /** Bytes of an entry: a slice of the mapping when stored, an inflated copy when deflated. */
    MemorySegment data(Entry e) {
        long lh = e.localHeaderOffset();
        long fileSize = mapping.byteSize();
        if (lh < 0 || lh + 30 > fileSize || mapping.get(U32, lh) != LOCAL_HEADER_SIG)
            throw new CheckpointException(file, "entry '" + e.name() + "': no local file header at offset " + lh + " (corrupt archive)");
        long start = lh + 30 + (mapping.get(U16, lh + 26) & 0xffff) + (mapping.get(U16, lh + 28) & 0xffff);
        if (start > fileSize || e.compressedSize() > fileSize - start)
            throw new CheckpointException(file, "entry '" + e.name() + "' (" + e.compressedSize() + " bytes at offset " + start
                    + ") extends beyond the end of the file (" + fileSize + " bytes): truncated archive");
        return switch (e.method()) {
            case ZipArchiveEntry.STORED -> {
                if (e.size() != e.compressedSize())
                    throw new CheckpointException(file, "stored entry '" + e.name() + "' declares size " + e.size()
                            + " but compressed size " + e.compressedSize() + " (corrupt archive)");
                yield mapping.asSlice(start, e.size());
            }
            case ZipArchiveEntry.DEFLATED -> inflate(e, mapping.asSlice(start, e.compressedSize()));
            default -> throw new CheckpointException(file, "entry '" + e.name() + "' uses unsupported zip method " + e.method());
        };
    }

    /**
     * The bytes of storage {@code folder + key}, checked to hold {@code numel} elements of
     * {@code dtype}: a view of the mapping, or an aligned copy when the entry data is misaligned.
     */
    MemorySegment storage(String folder, String key, dev.jclip.torch.DType dtype, long numel) {
        MemorySegment s = data(folder + key, "storage referenced by the pickle");
        long need;
        try {
            need = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, "storage '" + prefix + folder + key + "': " + numel + " elements overflow");
        }
        if (numel < 0 || s.byteSize() < need)
            throw new CheckpointException(file, "storage '" + prefix + folder + key + "' holds " + s.byteSize()
                    + " bytes but the pickle declares " + numel + " elements of " + dtype + " (" + need + " bytes)");
        if (s.address() % dtype.byteSize() == 0) return s;
        MemorySegment copy = arena.allocate(Math.max(s.byteSize(), 1), 64).asSlice(0, s.byteSize());
        copy.copyFrom(s);
        return copy;
    }

    /** The file offset of an entry's data (to decide whether a slice is aligned). */
    long dataOffset(Entry e) {
        long lh = e.localHeaderOffset();
        return lh + 30 + (mapping.get(U16, lh + 26) & 0xffff) + (mapping.get(U16, lh + 28) & 0xffff);
    }

    private MemorySegment inflate(Entry e, MemorySegment compressed) {
        // The declared size is checked before it is allocated: against deflate's best ratio, then
        // against what this archive may inflate in all.
        if (e.size() / ReadLimits.MAX_DEFLATE_RATIO > e.compressedSize() + 1)
            throw new CheckpointException(file, "entry '" + e.name() + "' claims " + e.size() + " bytes from " + e.compressedSize()
                    + " compressed, beyond deflate's maximum ratio (corrupt archive or zip bomb)");
        synchronized (this) {
            if (e.size() > ReadLimits.MAX_INFLATED_BYTES - inflated)
                throw new CheckpointException(file, "entry '" + e.name() + "' inflates to " + e.size() + " bytes; with "
                        + inflated + " already inflated that exceeds the " + ReadLimits.bytes(ReadLimits.MAX_INFLATED_BYTES)
                        + " allowed per archive (-Djclip.maxInflatedBytes)");
            inflated += e.size();
        }
        MemorySegment out = arena.allocate(Math.max(e.size(), 1), 64).asSlice(0, e.size());
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(compressed.asByteBuffer());
            long pos = 0;
            while (pos < e.size()) {
                ByteBuffer dst = out.asSlice(pos, Math.min(1L << 30, e.size() - pos)).asByteBuffer();
                int n = inf.inflate(dst);
                if (n == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary()))
                    throw new CheckpointException(file, "entry '" + e.name() + "' inflates to " + pos + " bytes, expected " + e.size());
                pos += n;
            }
            if (!inf.finished() && inf.inflate(new byte[1]) > 0)
                throw new CheckpointException(file, "entry '" + e.name() + "' inflates to more than its declared " + e.size() + " bytes");
            return out;
        } catch (DataFormatException ex) {
            throw new CheckpointException(file, "entry '" + e.name() + "' is not valid deflate data: " + ex.getMessage());
        } finally {
            inf.end();
        }
    }
}
