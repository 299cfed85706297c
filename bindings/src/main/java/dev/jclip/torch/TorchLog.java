package dev.jclip.torch;

import java.lang.foreign.Arena;

/**
 * libtorch's own log: c10's {@code LOG(WARNING)} / {@code LOG(ERROR)}, written to stderr. libtorch
 * 2.10's C shim logs every exception it turns into an error code (about 90 lines with the C++
 * backtrace) and NNPACK logs "Could not initialize NNPACK! Reason: Unsupported hardware." on CPUs
 * it does not know; neither belongs on an application's terminal, and the failure's text reaches
 * the {@link TorchException} through {@link ErrorCapture} anyway. So, unless the user has set
 * {@code TORCH_CPP_LOG_LEVEL} (or {@code -Djclip.torchLog=keep}), jclip sets it to {@code FATAL}
 * when libtorch loads; {@code TORCH_CPP_LOG_LEVEL=WARNING} brings libtorch's warnings back.
 */
final class TorchLog {
    static final String ENV = "TORCH_CPP_LOG_LEVEL";
    private static volatile boolean quiet;

    private TorchLog() {}

    /** Called once, right after libtorch is loaded. */
    static void quietByDefault() {
        if (System.getenv(ENV) != null || "keep".equals(System.getProperty("jclip.torchLog"))) return;
        level("FATAL");
        quiet = true;
    }

    /** Whether jclip silenced libtorch's log (so a replay must lower the level to see the error). */
    static boolean isQuiet() { return quiet; }

    /** Sets c10's log level ({@code INFO}, {@code WARNING}, {@code ERROR}, {@code FATAL}). */
    static void level(String level) {
        try (Arena a = Arena.ofConfined()) {
            // Only ever overwrites the one variable after the first call, so glibc replaces a pointer in
            // environ instead of reallocating it under a concurrent getenv.
            NativeApi.setenv(a.allocateFrom(ENV), a.allocateFrom(level), 1);
            NativeApi._ZN3c1011initLoggingEv();
        }
    }
}
