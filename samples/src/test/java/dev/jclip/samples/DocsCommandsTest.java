package dev.jclip.samples;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@code scripts/clip ...} command line written in the README and in {@code docs/} (code blocks
 * and inline code) against the real picocli definitions: the subcommand exists and every option it
 * names is one of that subcommand's. A concrete line (no {@code [optional]}, {@code a|b} or
 * {@code PLACEHOLDER} syntax) must parse as it stands, values included.
 */
class DocsCommandsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(\\.[a-z]+)?|\\.\\.\\.|.*[\\[\\]()|].*");

    record Line(Path file, int number, String text) {
        @Override public String toString() { return ROOT.relativize(file) + ":" + number + ": " + text; }
    }

    @Test void everyDocumentedCommandLineParses() throws IOException {
        List<Line> lines = commandLines();
        assertTrue(lines.size() > 30, "found only " + lines.size() + " command lines: " + lines);
        List<String> problems = new ArrayList<>();
        for (Line l : lines) {
            String problem = check(l.text());
            if (problem != null) problems.add(l + "\n    -> " + problem);
        }
        assertTrue(problems.isEmpty(), problems.size() + " documented command line(s) do not match the command line:\n"
                + String.join("\n", problems));
    }

    @Test void theCheckCatchesWrongOptionsAndSubcommands() {
        assertNull(check("scripts/clip eval --checkpoint F (--dataset fashion-mnist | --folder DIR | --captions DIR)"));
        assertNotNull(check("scripts/clip eval --checkpoint F (--dataset fashion-mnist | --retrieval DIR)"));
        assertNotNull(check("scripts/clip evaluate --checkpoint F"));
        assertNotNull(check("scripts/clip demo --steps many"));            // concrete: the value must convert
        assertNull(check("scripts/clip bench ops|tokenize [--json]"));
        assertNotNull(check("scripts/clip bench ops|dist [--json]"));     // every alternative must take the option
    }

    /** Null when {@code text} (starting at {@code scripts/clip}) matches the command line, else why not. */
    static String check(String text) {
        List<String> args = tokens(text.substring("scripts/clip".length()));
        if (args.isEmpty()) return null;
        CommandLine root = new CommandLine(new ClipCommand());
        // "bench ops|tokenize": each alternative is a subcommand, and each must take the options that follow
        List<CommandLine> cmds = List.of(root);
        int i = 0;
        while (i < args.size() && !args.get(i).startsWith("-")) {
            String word = args.get(i).replaceAll("[\\[\\]()]", "");
            if (cmds.getFirst().getSubcommands().isEmpty() || word.equals("...") || word.startsWith("<")) break;
            List<CommandLine> next = new ArrayList<>();
            for (CommandLine cmd : cmds) {
                for (String a : word.split("\\|")) {
                    CommandLine sub = cmd.getSubcommands().get(a);
                    if (sub == null) return "no subcommand '" + a + "' of '" + cmd.getCommandName() + "' (" + cmd.getSubcommands().keySet() + ")";
                    next.add(sub);
                }
            }
            cmds = next;
            i++;
        }
        boolean concrete = cmds.size() == 1;
        for (String raw : args.subList(i, args.size())) {
            if (PLACEHOLDER.matcher(raw).matches()) concrete = false;
            for (String part : raw.split("\\|")) {
                String t = part.replaceAll("[\\[\\]()]", "");
                if (!t.startsWith("-") || t.equals("-") || t.equals("--") || t.matches("-\\d.*")) continue;
                String name = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
                for (CommandLine cmd : cmds) {
                    if (cmd.getCommandSpec().findOption(name) == null) return "'" + cmd.getCommandName() + "' has no option " + name;
                }
            }
        }
        if (!concrete) return null;
        try {
            root.parseArgs(tokens(text.substring("scripts/clip".length())).toArray(String[]::new));
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    /** Shell-like words: quotes group, backslash-newline already joined. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0; else cur.append(c);
            } else if (c == '"' || c == '\'') { quote = c; any = true; }
            else if (Character.isWhitespace(c)) { if (any || !cur.isEmpty()) out.add(cur.toString()); cur.setLength(0); any = false; }
            else cur.append(c);
        }
        if (any || !cur.isEmpty()) out.add(cur.toString());
        return out;
    }

    /** Every {@code scripts/clip} command in fenced code blocks and inline code of README.md and docs/*.md. */
    static List<Line> commandLines() throws IOException {
        List<Line> out = new ArrayList<>();
        for (Path f : markdownFiles()) {
            List<String> text = Files.readAllLines(f);
            boolean fenced = false;
            for (int n = 0; n < text.size(); n++) {
                String line = text.get(n);
                if (line.strip().startsWith("```")) { fenced = !fenced; continue; }
                if (fenced) {
                    int first = n;
                    while (line.endsWith("\\") && n + 1 < text.size()) line = line.substring(0, line.length() - 1) + " " + text.get(++n).strip();
                    for (String cmd : commandsIn(line)) out.add(new Line(f, first + 1, cmd));
                } else {
                    // inline code spans; in tables "\|" is a literal |
                    String[] spans = line.replace("\\|", "|").split("`", -1);
                    for (int k = 1; k < spans.length; k += 2) {
                        for (String cmd : commandsIn(spans[k])) out.add(new Line(f, n + 1, cmd));
                    }
                }
            }
        }
        return out;
    }

    /** README.md and every docs/*.md: the documentation the docs tests read. */
    static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) { s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add); }
        return files;
    }

    /** The commands starting at each {@code scripts/clip} of a shell line, up to a comment, {@code &&}, {@code ;} or a pipe outside brackets. */
    static List<String> commandsIn(String line) {
        List<String> out = new ArrayList<>();
        int at = line.indexOf("scripts/clip");
        while (at >= 0) {
            int depth = 0, end = line.length();
            char quote = 0;
            for (int i = at; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quote != 0) { if (c == quote) quote = 0; continue; }
                if (c == '"' || c == '\'') quote = c;
                else if (c == '[' || c == '(') depth++;
                else if (c == ']' || c == ')') depth--;
                else if (c == '#' && i > 0 && line.charAt(i - 1) == ' ') { end = i; break; }
                else if (depth == 0 && (line.startsWith("&&", i) || c == ';' || c == '>' || (c == '|' && line.startsWith(" | ", i - 1)))) { end = i; break; }
            }
            String cmd = line.substring(at, end).strip();
            if (cmd.equals("scripts/clip") || cmd.startsWith("scripts/clip ") ) out.add(cmd);
            at = line.indexOf("scripts/clip", end);
        }
        return out;
    }
}
