package dev.jclip.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt templates for zero-shot classification, with openai/CLIP's {@code {}} placeholder for
 * the class name ({@code "a photo of a {}."}). Any other brace placeholder ({@code {foo}},
 * {@code {0}}) is an error naming it, so a template written for another formatter is not silently
 * sent to the text encoder verbatim. {@code {{} and {@code }}} are literal braces, as in Python's
 * {@code str.format}. A template without a placeholder is allowed (a fixed caption).
 *
 * <pre>{@code
 * PromptTemplates t = PromptTemplates.read(Path.of("imagenet_templates.json")); // 80 templates
 * List<String> prompts = t.apply("goldfish");  // "a bad photo of a goldfish.", ...
 * PromptTemplates.single();                     // just "{}": the class name itself
 * }</pre>
 */
public final class PromptTemplates {
    private static final Pattern BRACES = Pattern.compile("\\{\\{|}}|\\{[^{}]*}|[{}]");

    private final List<String> templates;

    private PromptTemplates(List<String> templates) {
        this.templates = List.copyOf(templates);
    }

    /** Templates from strings; each is checked. */
    public static PromptTemplates of(List<String> templates) {
        if (templates.isEmpty()) throw new IllegalArgumentException("no prompt templates given");
        for (int i = 0; i < templates.size(); i++) check(templates.get(i), "template #" + i);
        return new PromptTemplates(templates);
    }

    /** The class name as the whole prompt ({@code "{}"}). */
    public static PromptTemplates single() {
        return new PromptTemplates(List.of("{}"));
    }

    /**
     * Reads a template file: a JSON array of strings (like {@code imagenet_templates.json}), or
     * plain text with one template per non-blank line.
     */
    public static PromptTemplates read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read template file " + file + ": " + e.getMessage(), e);
        }
        List<String> list = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (text.stripLeading().startsWith("[")) {
            try {
                for (var node : new ObjectMapper().readTree(text)) {
                    if (!node.isTextual()) throw new IllegalArgumentException("template file " + file + ": entry " + node + " is not a string");
                    list.add(node.asText());
                    where.add("template file " + file + ", entry #" + list.size());
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("template file " + file + " is not valid JSON: "
                        + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " "), e);
            }
        } else {
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String t = lines.get(i).strip();
                if (t.isEmpty()) continue;
                list.add(t);
                where.add("template file " + file + " line " + (i + 1));
            }
        }
        if (list.isEmpty()) throw new IllegalArgumentException("template file " + file + " holds no templates");
        for (int i = 0; i < list.size(); i++) check(list.get(i), where.get(i));
        return new PromptTemplates(list);
    }

    private static void check(String template, String where) {
        Matcher m = BRACES.matcher(template);
        boolean placeholder = false;
        while (m.find()) {
            String g = m.group();
            if (g.equals("{}")) placeholder = true;
            if (g.equals("{}") || g.equals("{{") || g.equals("}}")) continue;
            throw new IllegalArgumentException(where + " \"" + template + "\": unknown placeholder " + g
                    + " (only {} is replaced by the class name; write {{ and }} for literal braces)");
        }
        if (!placeholder) {
            String shown = template.length() > 80 ? template.substring(0, 77) + "..." : template;
            throw new IllegalArgumentException(where + " \"" + shown + "\" has no {} for the class name: every class would get "
                    + "the same prompt");
        }
    }

    /** Every template filled with {@code className}, in order. */
    public List<String> apply(String className) {
        List<String> out = new ArrayList<>(templates.size());
        for (String t : templates) out.add(format(t, className));
        return out;
    }

    /** {@code template} with each {@code {}} replaced by {@code className} (braces unescaped). */
    static String format(String template, String className) {
        Matcher m = BRACES.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String g = m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(switch (g) {
                case "{}" -> className;
                case "{{" -> "{";
                case "}}" -> "}";
                default -> throw new IllegalArgumentException("unknown placeholder " + g + " in \"" + template + "\"");
            }));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    public List<String> templates() { return templates; }

    public int size() { return templates.size(); }
}
