package dev.jclip.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place tests find the third-party files they read in place, never copied into the project:
 * the reference fixtures ({@code -Djclip.fixtures}, default {@code ../shared/fixtures}) and the data
 * ({@code -Djclip.data}, default {@code ../shared/data}), with one policy for a missing one: in CI
 * ({@code CI=true} in the environment) the test fails, saying what is missing; elsewhere it is
 * skipped with that reason. Shared by the modules' tests through clip's test jar.
 *
 * <pre>{@code
 * Path vocab = SharedFiles.data("bpe_simple_vocab_16e6.txt.gz");   // fails in CI, skips elsewhere when absent
 * Path vit = SharedFiles.fixture("models/vit_a");
 * }</pre>
 */
public final class SharedFiles {
    private SharedFiles() {}

    /** The fixtures folder (may not exist; see {@link #fixture}). */
    public static Path fixturesDir() { return Path.of(System.getProperty("jclip.fixtures", "../shared/fixtures")); }

    /** The data folder (may not exist; see {@link #data}). */
    public static Path dataDir() { return Path.of(System.getProperty("jclip.data", "../shared/data")); }

    /** The fixtures folder, which must exist. */
    public static Path fixtures() { return require(fixturesDir()); }

    /** The data folder, which must exist. */
    public static Path data() { return require(dataDir()); }

    /** {@code relative} under the fixtures folder, which must exist (file or folder). */
    public static Path fixture(String relative) { return require(fixturesDir().resolve(relative)); }

    /** {@code relative} under the data folder, which must exist (file or folder). */
    public static Path data(String relative) { return require(dataDir().resolve(relative)); }

    /** Whether this run is CI's, where a missing shared file is an error rather than a reason to skip. */
    public static boolean inCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    /** {@code p} when it exists; otherwise fails (CI) or skips the calling test (elsewhere), naming it. */
    public static Path require(Path p) {
        if (Files.exists(p)) return p;
        String why = "shared test file " + p.toAbsolutePath().normalize() + " is missing (set -Djclip.fixtures / -Djclip.data)";
        if (inCi()) Assertions.fail(why + "; CI=true, so this is an error");
        Assumptions.abort(why);
        return p; // not reached
    }
}
