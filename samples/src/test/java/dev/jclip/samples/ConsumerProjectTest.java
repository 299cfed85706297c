package dev.jclip.samples;

import dev.jclip.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * jclip as a JVM team meets it: {@code examples/consumer} is a separate Maven project that imports
 * {@code jclip-bom} and depends on {@code jclip-clip}. This test installs the library (BOM, parent,
 * bindings, clip) into a test-local repository ({@code samples/target/consumer-repo}, never the
 * shared {@code ~/.m2}; third-party artifacts are copied from {@code ~/.m2/repository}, which the
 * enclosing build has filled, else downloaded from Maven Central), builds the consumer against it,
 * checks that its dependency tree holds no test, plotting or command-line library, and runs its {@code ClipApp} (the README's
 * "Use as a library" example) with {@code --enable-native-access}.
 */
class ConsumerProjectTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path TARGET = Path.of("target").toAbsolutePath();
    /** Artifacts an application must not get from jclip: test frameworks, plotting/PDF, CLI, terminal and benchmark libraries. */
    static final List<String> FORBIDDEN = List.of("junit", "org.junit", "xchart", "pdfbox", "de.rototor", "picocli", "me.tongfei",
            "org.jline", "onnxruntime", "lucene");

    @Test void consumerBuildsAgainstTheInstalledArtifactsAndRunsTheReadmeExample() throws Exception {
        Path repo = TARGET.resolve("consumer-repo");
        Path settings = TARGET.resolve("consumer-settings.xml");
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        // ~/.m2 as a read-only remote repository, asked before Maven Central: what the enclosing build already
        // downloaded is copied from there (no network), anything else (a plugin the enclosing build never ran,
        // e.g. maven-install-plugin under scripts/test) comes from Central; jclip itself is installed into repo.
        Files.writeString(settings, """
                <settings><profiles><profile><id>local-m2</id>
                  <repositories><repository><id>local-m2</id><url>%1$s</url></repository></repositories>
                  <pluginRepositories><pluginRepository><id>local-m2</id><url>%1$s</url></pluginRepository></pluginRepositories>
                </profile></profiles><activeProfiles><activeProfile>local-m2</activeProfile></activeProfiles></settings>
                """.formatted(m2.toUri()));
        List<String> common = List.of("-q", "-s", settings.toString(), "-Dmaven.repo.local=" + repo);

        mvn(withCommon(common, "-pl", "bom,bindings,clip", "-am", "install", "-DskipTests", "-Dmaven.test.skip=true",
                "-Djclip.noDocJars"));
        assertTrue(Files.isRegularFile(repo.resolve("dev/jclip/jclip-bom/0.1.0-SNAPSHOT/jclip-bom-0.1.0-SNAPSHOT.pom")));

        Path tree = TARGET.resolve("consumer-tree.txt"), cp = TARGET.resolve("consumer-classpath.txt");
        mvn(withCommon(common, "-f", "examples/consumer/pom.xml", "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree", "-DoutputFile=" + tree,
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath", "-Dmdep.outputFile=" + cp));
        String deps = Files.readString(tree);
        assertTrue(deps.contains("dev.jclip:jclip-clip:jar:0.1.0-SNAPSHOT:compile"), deps);
        for (String bad : FORBIDDEN) assertFalse(deps.contains(bad), "the consumer's dependency tree holds " + bad + ":\n" + deps);
        for (String path : Files.readString(cp).strip().split(File.pathSeparator)) {
            assertTrue(path.startsWith(repo.toString()), "class path entry outside the test-local repository: " + path);
        }

        Path image = SharedFiles.data("CLIP.png").toAbsolutePath();
        Path checkpoint = ZeroShotCommandTest.tinyCheckpoint(TARGET.resolve("consumer-tiny.safetensors"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path saved = TARGET.resolve("consumer-finetuned.safetensors");
        Files.deleteIfExists(saved);
        String out = run(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                ROOT.resolve("examples/consumer/target/classes") + File.pathSeparator + Files.readString(cp).strip(),
                "com.example.ClipApp", checkpoint.toString(), image.toString(), saved.toString()), ROOT);
        assertTrue(out.contains("embedded 1 image and 3 texts into 32 dimensions"), out);
        assertTrue(out.matches("(?s).*zero-shot: a (diagram|dog|cat) \\(p = 0\\.\\d{3}\\).*"), out);
        assertTrue(out.contains("step 3 loss"), out);
        assertFalse(out.contains("Exception in aoti_torch") || out.contains("NNPACK"), "libtorch's own log reached the terminal:\n" + out);
        try (dev.jclip.Clip reloaded = dev.jclip.Clip.load(saved)) {   // the fine-tuned file is self-contained
            assertEquals(32, reloaded.architecture().embedDim());
            assertTrue(reloaded.hasTokenizer());
        }
    }

    private static List<String> withCommon(List<String> common, String... args) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(args));
        return all;
    }

    private static void mvn(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("scripts/mvn").toString());
        cmd.addAll(args);
        run(cmd, ROOT);
    }

    /** Runs {@code cmd} in {@code dir}; its output (stdout and stderr), or a failure that shows it. */
    private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Path log = Files.createTempFile(TARGET, "consumer", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertTrue(done && p.exitValue() == 0, String.join(" ", cmd) + (done ? " failed (" + p.exitValue() + ")" : " timed out") + ":\n" + out);
        return out;
    }
}
