package dev.jclip.torch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * libtorch 2.10's C ABI reports a failure only as a return code and prints the C++ exception text
 * to stderr ("Exception in aoti_torch: ..."). To put that text into the Java exception, a failed
 * call is replayed once with file descriptor 2 redirected to a temporary file. The first call prints
 * nothing: {@link TorchLog} keeps libtorch's log level at FATAL and lowers it to ERROR for the
 * replay only. Replays are serialised (fd 2 is process-wide); disable with
 * {@code -Djclip.errorReplay=false}.
 */
final class ErrorCapture {
    private static final boolean ENABLED = !"false".equals(System.getProperty("jclip.errorReplay"));
    private static final int O_WRONLY = 1, O_CREAT = 0100, O_TRUNC = 01000;

    private ErrorCapture() {}

    /** Runs {@code call} with stderr captured; returns libtorch's message or null. */
    static synchronized String replay(IntSupplier call) {
        if (!ENABLED) return null;
        boolean quiet = TorchLog.isQuiet();
        try {
            if (quiet) TorchLog.level("ERROR");   // the shim logs the exception at ERROR
            String text = capture(call::getAsInt);
            return text == null ? null : clean(text);
        } finally {
            if (quiet) TorchLog.level("FATAL");
        }
    }

    /** Everything written to file descriptor 2 while {@code body} runs (null when it could not be captured). */
    static synchronized String capture(Runnable body) {
        Path tmp = null;
        int saved = -1, fd = -1;
        try (Arena arena = Arena.ofConfined()) {
            tmp = Files.createTempFile("jclip-err", ".txt");
            MemorySegment path = arena.allocateFrom(tmp.toString());
            fd = NativeApi.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0) return null;
            System.err.flush();
            saved = NativeApi.dup(2);
            if (saved < 0) return null;
            NativeApi.dup2(fd, 2);
            try {
                body.run();
            } finally {
                System.err.flush();
                NativeApi.dup2(saved, 2);
            }
            return Files.readString(tmp, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            if (saved >= 0) NativeApi.close(saved);
            if (fd >= 0) NativeApi.close(fd);
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
        }
    }

    private static String clean(String text) {
        String t = text.strip();
        String prefix = "Exception in aoti_torch: ";
        int i = t.lastIndexOf(prefix);
        if (i >= 0) t = t.substring(i + prefix.length());
        // Drop the C++ backtrace libtorch may append; the first lines carry the message.
        int bt = t.indexOf("\nException raised from ");
        if (bt >= 0) t = t.substring(0, bt);
        return t.isBlank() ? null : t.strip();
    }
}
