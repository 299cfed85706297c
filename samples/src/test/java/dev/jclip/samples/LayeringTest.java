package dev.jclip.samples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.FieldRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every package arrow points down: torch &lt;- text/io/image &lt;- model &lt;- data/dist &lt;- eval/embed &lt;-
 * train &lt;- the facade ({@code dev.jclip}) &lt;- index &lt;- samples. Read from the compiled classes of all three
 * modules (constant pools: imports, fully qualified names and signatures alike, comments not), so a
 * wrong-way reference cannot hide behind a fully qualified name. Each package's
 * {@code package-info.java} states the same list ("May import:"); this test keeps the two in step.
 */
class LayeringTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The layers bottom up; a package may import only packages of lower layers (and only those listed). */
    static final List<String> ORDER = List.of("progress", "torch", "text", "image", "io", "model", "data", "dist", "eval", "embed", "train",
            "(root)", "index", "samples");
    static final List<String> MODULES = List.of("bindings", "clip", "index", "samples");
    static final Map<String, Set<String>> MAY_IMPORT = new TreeMap<>(Map.ofEntries(
            Map.entry("progress", Set.of()),
            Map.entry("torch", Set.of()),
            Map.entry("text", Set.of("torch")),
            Map.entry("image", Set.of("torch")),
            Map.entry("io", Set.of("torch")),
            Map.entry("model", Set.of("progress", "torch", "text", "io", "image")),
            Map.entry("data", Set.of("progress", "torch", "text", "io", "image", "model")),
            Map.entry("dist", Set.of("torch", "io", "model")),
            Map.entry("eval", Set.of("progress", "torch", "text", "io", "image", "model", "data")),
            Map.entry("embed", Set.of("progress", "torch", "text", "io", "image", "model", "data")),
            Map.entry("train", Set.of("progress", "torch", "text", "io", "image", "model", "data", "dist", "eval")),
            Map.entry("(root)", Set.of("progress", "torch", "text", "io", "image", "model", "data", "dist", "eval", "embed", "train")),
            Map.entry("index", Set.of("progress", "torch", "text", "io", "image", "model", "data", "embed")),
            Map.entry("samples", Set.of("progress", "torch", "text", "io", "image", "model", "data", "dist", "eval", "embed", "train", "(root)", "index"))));

    private static final Pattern REF = Pattern.compile("dev/jclip/(?:([a-z]+)/)?[A-Z]");

    @Test void theRulesPointDown() {
        MAY_IMPORT.forEach((pkg, allowed) -> {
            for (String a : allowed) {
                assertTrue(ORDER.indexOf(a) < ORDER.indexOf(pkg), pkg + " may import " + a + ", which is not below it");
            }
        });
    }

    @Test void noClassReferencesAPackageAboveIt() throws IOException {
        Map<String, Set<String>> wrong = new TreeMap<>();
        int classes = 0;
        for (String module : MODULES) {
            Path dir = ROOT.resolve(module).resolve("target/classes");
            assertTrue(Files.isDirectory(dir), dir + " is not built");
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String rel = dir.relativize(f).toString().replace('\\', '/');
                    if (!rel.startsWith("dev/jclip/") || rel.endsWith("module-info.class")) continue;
                    String pkg = packageOf(rel);
                    Set<String> allowed = MAY_IMPORT.get(pkg);
                    assertNotNull(allowed, "package of " + rel + " has no place in LayeringTest.MAY_IMPORT (add it, with its layer)");
                    classes++;
                    for (PoolEntry e : ClassFile.of().parse(Files.readAllBytes(f)).constantPool()) {
                        if (!(e instanceof Utf8Entry u)) continue;
                        Matcher m = REF.matcher(u.stringValue());
                        while (m.find()) {
                            String target = m.group(1) == null ? "(root)" : m.group(1);
                            if (!target.equals(pkg) && !allowed.contains(target)) {
                                wrong.computeIfAbsent(pkg + " -> " + target, k -> new TreeSet<>()).add(rel.replace(".class", ""));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(classes > 300, "only " + classes + " classes found");
        assertTrue(wrong.isEmpty(), "wrong-way package references: " + wrong);
    }

    /** The library ({@code clip}) never prints: its notices go through {@code dev.jclip.progress.Notices} (issue 16, quiet output). */
    @Test void theLibraryDoesNotPrint() throws IOException {
        Path dir = ROOT.resolve("clip/target/classes");
        assertTrue(Files.isDirectory(dir), dir + " is not built");
        List<String> printing = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                for (PoolEntry e : ClassFile.of().parse(Files.readAllBytes(f)).constantPool()) {
                    if (e instanceof FieldRefEntry r && r.owner().asInternalName().equals("java/lang/System")
                            && Set.of("out", "err").contains(r.name().stringValue())) {
                        printing.add(dir.relativize(f) + " uses System." + r.name().stringValue());
                    }
                }
            }
        }
        assertTrue(printing.isEmpty(), String.join("\n", printing));
    }

    @Test void everyPackageInfoStatesItsRules() throws IOException {
        Pattern may = Pattern.compile("<b>May import:</b>(.*?)(?:\\{@code LayeringTest}|\\*/)", Pattern.DOTALL);
        Pattern pkgRef = Pattern.compile("dev\\.jclip(?:\\.([a-z]+))?");
        List<String> problems = new ArrayList<>();
        for (String module : MODULES) {
            Path src = ROOT.resolve(module).resolve("src/main/java/dev/jclip");
            try (Stream<Path> s = Files.walk(src)) {
                for (Path dir : s.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> files = Files.list(dir)) {
                        if (files.noneMatch(p -> p.toString().endsWith(".java"))) continue;
                    }
                    String pkg = dir.equals(src) ? "(root)" : src.relativize(dir).toString();
                    Path info = dir.resolve("package-info.java");
                    if (!Files.isRegularFile(info)) { problems.add(module + ": dev.jclip." + pkg + " has no package-info.java"); continue; }
                    Matcher m = may.matcher(Files.readString(info));
                    if (!m.find()) { problems.add(info + " has no \"<b>May import:</b>\" line"); continue; }
                    Set<String> stated = new TreeSet<>();
                    Matcher r = pkgRef.matcher(m.group(1));
                    while (r.find()) stated.add(r.group(1) == null ? "(root)" : r.group(1));
                    String layer = pkg.contains("/") ? pkg.substring(0, pkg.indexOf('/')) : pkg;   // a sub-package has its parent's rules
                    if (stated.contains("(root)") && layer.equals("samples")) stated = new TreeSet<>(MAY_IMPORT.get("samples")); // "every dev.jclip package"
                    Set<String> rules = new TreeSet<>(MAY_IMPORT.getOrDefault(layer, Set.of()));
                    if (!stated.equals(rules)) problems.add(info + " says it may import " + stated + ", LayeringTest says " + rules);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static String packageOf(String classFile) {
        String p = classFile.substring("dev/jclip/".length());
        int slash = p.indexOf('/');
        return slash < 0 ? "(root)" : p.substring(0, slash);
    }
}
