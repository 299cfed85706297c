package dev.jclip.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Maps a whole file read-only into an arena: the zero-copy base of every reader. */
final class MappedFile {
    private MappedFile() {}

    /** The file's bytes as a read-only segment owned by {@code arena} (pages load on first touch). */
    static MemorySegment map(Path file, Arena arena) {
        requireRegularFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            // A zero-length mapping is allowed, but an empty segment is simpler and equally valid.
            if (size == 0) return MemorySegment.NULL.reinterpret(0);
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot map file: " + reason(e), e);
        }
    }

    /**
     * Refuses, before anything opens it, a path that is not a regular file (after links): opening a
     * FIFO blocks until a writer appears, and a device never ends.
     */
    static void requireRegularFile(Path file) {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + reason(e), e);
        }
        if (a.isDirectory()) throw new CheckpointException(file, "is a folder, not a checkpoint file");
        if (!a.isRegularFile())
            throw new CheckpointException(file, "is not a regular file (a FIFO, socket or device); give a checkpoint file");
    }

    /**
     * A view of {@code len} bytes at {@code offset}, or an aligned copy in {@code arena} when the
     * address is not a multiple of {@code align} (libtorch kernels expect aligned elements).
     */
    static MemorySegment viewOrCopy(MemorySegment file, long offset, long len, int align, Arena arena) {
        MemorySegment view = file.asSlice(offset, len);
        if (view.address() % align == 0) return view;
        MemorySegment copy = arena.allocate(Math.max(len, 1), 64).asSlice(0, len);
        copy.copyFrom(view);
        return copy;
    }

    /** An I/O failure as a reason without the path repeated ("no such file", "permission denied", ...). */
    static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
