package dev.jclip.eval;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Class names for zero-shot classification, from the command line's {@code --classes} value:
 * an existing file (a JSON array such as {@code imagenet_classes.json}, or one name per
 * non-blank line) or a comma-separated list ({@code "a diagram,a dog,a cat"}). Duplicates are
 * allowed (ImageNet's list has two of "missile" and "sunglasses"); an empty list is an error.
 *
 * <pre>{@code
 * List<String> names = ClassNames.parse("a diagram,a dog,a cat");   // 3 names
 * List<String> imagenet = ClassNames.parse("imagenet_classes.json"); // 1000 names
 * }</pre>
 */
public final class ClassNames {
    private ClassNames() {}

    /** A file's names when {@code spec} names an existing file, otherwise the comma-separated list. */
    public static List<String> parse(String spec) {
        if (spec == null) throw new IllegalArgumentException("no classes given");
        Path p;
        try {
            p = Path.of(spec);
        } catch (RuntimeException e) {
            p = null;
        }
        if (p != null && Files.isRegularFile(p)) return read(p);
        List<String> names = Arrays.stream(spec.split(",", -1)).map(String::strip).toList();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isEmpty()) {
                throw new IllegalArgumentException(names.size() == 1 ? "empty class list (--classes \"" + spec + "\")"
                        : "empty class name at position " + (i + 1) + " in --classes \"" + spec + "\"");
            }
        }
        return names;
    }

    /** Names from a file (JSON array of strings, or one per line). */
    public static List<String> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read class file " + file + ": " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        if (text.stripLeading().startsWith("[")) {
            try {
                for (var node : new ObjectMapper().readTree(text)) {
                    if (!node.isTextual() || node.asText().isBlank()) {
                        throw new IllegalArgumentException("class file " + file + ": entry " + node + " is not a class name");
                    }
                    names.add(node.asText().strip());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("class file " + file + " is not valid JSON: " + e.getMessage(), e);
            }
        } else {
            text.lines().map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
        }
        if (names.isEmpty()) throw new IllegalArgumentException("empty class list: " + file + " holds no class names");
        return names;
    }
}
