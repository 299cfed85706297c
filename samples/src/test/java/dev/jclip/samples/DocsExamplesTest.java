package dev.jclip.samples;

import org.junit.jupiter.api.Test;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@code ```java} block of the README and {@code docs/}, and the example of every library
 * package's {@code package-info.java}, compiles against the real API, so the examples cannot rot. A block is compiled as the body of a method, with every {@code dev.jclip}
 * package and {@code java.util}, {@code java.nio.file}, {@code java.time}, {@code java.lang.foreign}
 * imported; the variables it takes as given are declared in an HTML comment right before it,
 * {@code <!-- given: Tensor images; Path file -->}, and become the method's parameters. The README's
 * "Use as a library" block must also be, line for line, the body of {@code examples/consumer}'s
 * {@code ClipApp}, which {@link ConsumerProjectTest} builds and runs.
 */
class DocsExamplesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern GIVEN = Pattern.compile("<!--\\s*given:(.*?)-->");

    record Block(Path file, int line, String given, String code) {
        String where() { return ROOT.relativize(file) + ":" + line; }
    }

    @Test void everyJavaBlockInTheDocsCompiles() throws IOException {
        List<Block> blocks = blocks();
        assertTrue(blocks.size() >= 6, "found only " + blocks.size() + " java blocks");
        List<JavaFileObject> units = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) units.add(source("Snippet" + i, unit("Snippet" + i, blocks.get(i))));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("jclip-snippets");
        boolean ok = javac.getTask(null, null, diags, List.of("-d", out.toString(), "-proc:none", "-Xlint:none",
                "-classpath", System.getProperty("java.class.path")), null, units).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) continue;
            int k = Integer.parseInt(d.getSource().getName().replaceAll("\\D", ""));
            Block b = blocks.get(k);
            // the unit puts the block's first line at line HEADER_LINES + 1
            long docLine = b.line() + d.getLineNumber() - HEADER_LINES - 1;
            errors.add(ROOT.relativize(b.file()) + ":" + docLine + ": " + d.getMessage(null));
        }
        assertTrue(ok && errors.isEmpty(), "documentation examples that do not compile:\n" + String.join("\n", errors));
    }

    @Test void theReadmeLibraryExampleIsTheConsumerAppThatTheSuiteRuns() throws IOException {
        // the README block that takes ClipApp's two arguments as given
        Block readme = blocks().stream().filter(b -> b.file().endsWith("README.md") && b.given() != null
                && b.given().contains("Path out")).findFirst()
                .orElseThrow(() -> new AssertionError("README has no library example"));
        String app = Files.readString(ROOT.resolve("examples/consumer/src/main/java/com/example/ClipApp.java"));
        int from = app.indexOf("// README example: start"), to = app.indexOf("// README example: end");
        assertTrue(from > 0 && to > from, "ClipApp.java lacks the README example markers");
        String body = app.substring(app.indexOf('\n', from) + 1, app.lastIndexOf('\n', to));
        assertEquals(normalise(body), normalise(readme.code()), "README's library example and ClipApp differ; keep them the same");
    }

    private static String normalise(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static final int HEADER_LINES = 3;

    private static String unit(String name, Block b) {
        StringBuilder imports = new StringBuilder();
        for (String p : List.of("progress", "torch", "text", "io", "image", "model", "eval", "embed", "train", "data", "dist", "index")) imports.append("import dev.jclip.").append(p).append(".*; ");
        if (Files.isRegularFile(ROOT.resolve("clip/src/main/java/dev/jclip/Clip.java"))) imports.append("import dev.jclip.*; ");
        imports.append("import java.util.*; import java.util.function.*; import java.nio.file.*; import java.time.*; import java.lang.foreign.*;");
        String params = b.given() == null ? "" : String.join(", ", b.given().strip().split("\\s*;\\s*"));
        // HEADER_LINES lines before the block's first line
        return imports + "\n@SuppressWarnings(\"all\") class " + name + " {\n"
                + "static void example(" + params + ") throws Exception {\n"
                + b.code() + "\n}}\n";
    }

    private static JavaFileObject source(String name, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override public CharSequence getCharContent(boolean ignoreEncodingErrors) { return code; }
        };
    }

    static List<Block> blocks() throws IOException {
        List<Block> out = new ArrayList<>();
        for (Path f : DocsCommandsTest.markdownFiles()) {
            List<String> lines = Files.readAllLines(f);
            for (int n = 0; n < lines.size(); n++) {
                if (!lines.get(n).strip().equals("```java")) continue;
                String given = null;
                for (int k = n - 1; k >= 0 && k >= n - 3; k--) {
                    Matcher m = GIVEN.matcher(lines.get(k));
                    if (m.find()) { given = m.group(1); break; }
                    if (!lines.get(k).isBlank()) break;
                }
                int start = n + 1, end = start;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) end++;
                out.add(new Block(f, start + 1, given, String.join("\n", lines.subList(start, end))));
                n = end;
            }
        }
        out.addAll(packageExamples());
        return out;
    }

    /** The {@code <pre>{@code ...}</pre>} example of every library package's {@code package-info.java}. */
    static List<Block> packageExamples() throws IOException {
        List<Block> out = new ArrayList<>();
        for (String module : List.of("bindings", "clip", "index")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path f : s.filter(p -> p.getFileName().toString().equals("package-info.java")).sorted().toList()) {
                    List<String> lines = Files.readAllLines(f).stream().map(l -> l.replaceFirst("^\\s*\\* ?", "")).toList();
                    for (int n = 0; n < lines.size(); n++) {
                        if (!lines.get(n).strip().equals("<pre>{@code")) continue;
                        Matcher m = n > 0 ? GIVEN.matcher(lines.get(n - 1)) : null;
                        String given = m != null && m.find() ? m.group(1) : null;
                        int start = n + 1, end = start;
                        while (end < lines.size() && !lines.get(end).strip().equals("}</pre>")) end++;
                        out.add(new Block(f, start + 1, given, String.join("\n", lines.subList(start, end))));
                        n = end;
                    }
                }
            }
        }
        assertTrue(out.size() >= 13, "package-info examples found: " + out.size());
        return out;
    }
}
