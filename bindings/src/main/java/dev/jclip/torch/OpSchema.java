package dev.jclip.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed libtorch operator schema, e.g.
 * {@code aten::mul.Tensor(Tensor self, Tensor other) -> Tensor}: what {@link Torch#call} checks its
 * arguments against and what the typed wrappers in {@code Ops} are generated from.
 *
 * <pre>{@code
 * OpSchema s = OpSchema.parse("aten::relu(Tensor self) -> Tensor");
 * assert s.args().get(0).kind() == OpSchema.Kind.TENSOR;
 * }</pre>
 */
public record OpSchema(String name, String overload, List<Arg> args, List<Kind> returns, String text) {

    /** How a schema type travels through the dispatcher stack. */
    public enum Kind {
        TENSOR, OPT_TENSOR, TENSOR_LIST, OPT_TENSOR_LIST,
        INT, OPT_INT, INT_LIST, OPT_INT_LIST,
        FLOAT, OPT_FLOAT, BOOL, OPT_BOOL,
        SCALAR_TYPE, OPT_SCALAR_TYPE, LAYOUT, OPT_LAYOUT, DEVICE, OPT_DEVICE,
        MEMORY_FORMAT, OPT_MEMORY_FORMAT, STR, OPT_STR,
        /** {@code Scalar}: the 2.10 C ABI cannot convert it; such calls are refused before reaching libtorch. */
        SCALAR,
        /** {@code Scalar?}: only None can be passed. */
        OPT_SCALAR,
        /** {@code Scalar?[]} (oneDNN's fused-op arguments): only a list of Nones (usually empty) can be passed. */
        OPT_SCALAR_LIST,
        /** {@code Generator?}: only None (the default generator) can be passed. */
        OPT_GENERATOR,
        /** Anything else (Dimname, Storage, ...): calls are refused. */
        UNSUPPORTED;

        public boolean optional() { return name().startsWith("OPT_"); }
    }

    /** One argument: name, schema type text, kind, default text (or null), keyword-only. */
    public record Arg(String name, String type, Kind kind, String defaultValue, boolean kwargOnly) {}

    /** {@code aten::name.overload} (or {@code aten::name} without overload). */
    public String qualifiedName() { return overload.isEmpty() ? name : name + "." + overload; }

    public static OpSchema parse(String text) {
        String s = text.strip();
        int open = s.indexOf('(');
        int arrow = s.lastIndexOf("->");
        int close = s.lastIndexOf(')', arrow);
        if (open < 0 || arrow < 0 || close < open) throw new IllegalArgumentException("not an operator schema: " + text);
        String full = s.substring(0, open);
        int dot = full.indexOf('.', full.indexOf("::") + 2);
        String name = dot < 0 ? full : full.substring(0, dot);
        String overload = dot < 0 ? "" : full.substring(dot + 1);
        List<Arg> args = new ArrayList<>();
        boolean kw = false;
        for (String a : splitTop(s.substring(open + 1, close))) {
            a = a.strip();
            if (a.isEmpty()) continue;
            if (a.equals("*")) { kw = true; continue; }
            String def = null;
            int eq = a.indexOf('=');
            if (eq >= 0) { def = a.substring(eq + 1).strip(); a = a.substring(0, eq).strip(); }
            int sp = a.lastIndexOf(' ');
            String type = a.substring(0, sp).strip(), argName = a.substring(sp + 1).strip();
            args.add(new Arg(argName, type, kindOf(type), def, kw));
        }
        List<Kind> rets = new ArrayList<>();
        String r = s.substring(arrow + 2).strip();
        if (r.startsWith("(")) r = r.substring(1, r.lastIndexOf(')'));
        for (String part : splitTop(r)) {
            part = part.strip();
            if (part.isEmpty()) continue;
            int sp = topLevelSpace(part);
            rets.add(kindOf(sp < 0 ? part : part.substring(0, sp)));
        }
        return new OpSchema(name, overload, List.copyOf(args), List.copyOf(rets), s);
    }

    /** Maps a schema type (alias annotations allowed) to its kind. */
    public static Kind kindOf(String type) {
        String t = type.replaceAll("\\([^)]*\\)", "").strip();
        boolean list = t.endsWith("]") || t.endsWith("]?");
        boolean opt = t.endsWith("?");
        String base = t.replaceAll("\\[\\d*\\]", "").replace("?", "");
        boolean elemOpt = t.contains("?[");
        if (list) {
            return switch (base) {
                case "Tensor" -> elemOpt ? Kind.OPT_TENSOR_LIST : (opt ? Kind.UNSUPPORTED : Kind.TENSOR_LIST);
                case "int", "SymInt" -> opt ? Kind.OPT_INT_LIST : Kind.INT_LIST;
                case "Scalar" -> elemOpt && !opt ? Kind.OPT_SCALAR_LIST : Kind.UNSUPPORTED;
                default -> Kind.UNSUPPORTED;
            };
        }
        return switch (base) {
            case "Tensor" -> opt ? Kind.OPT_TENSOR : Kind.TENSOR;
            case "int", "SymInt" -> opt ? Kind.OPT_INT : Kind.INT;
            case "float" -> opt ? Kind.OPT_FLOAT : Kind.FLOAT;
            case "bool" -> opt ? Kind.OPT_BOOL : Kind.BOOL;
            case "ScalarType" -> opt ? Kind.OPT_SCALAR_TYPE : Kind.SCALAR_TYPE;
            case "Layout" -> opt ? Kind.OPT_LAYOUT : Kind.LAYOUT;
            case "Device" -> opt ? Kind.OPT_DEVICE : Kind.DEVICE;
            case "MemoryFormat" -> opt ? Kind.OPT_MEMORY_FORMAT : Kind.MEMORY_FORMAT;
            case "str" -> opt ? Kind.OPT_STR : Kind.STR;
            case "Scalar" -> opt ? Kind.OPT_SCALAR : Kind.SCALAR;
            case "Generator" -> opt ? Kind.OPT_GENERATOR : Kind.UNSUPPORTED;
            default -> Kind.UNSUPPORTED;
        };
    }

    private static int topLevelSpace(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') depth++;
            else if (c == ')' || c == ']') depth--;
            else if (c == ' ' && depth == 0) return i;
        }
        return -1;
    }

    private static List<String> splitTop(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') depth++;
            else if (c == ')' || c == ']') depth--;
            else if (c == ',' && depth == 0) { out.add(s.substring(start, i)); start = i + 1; }
        }
        out.add(s.substring(start));
        return out;
    }
}
