package dev.jclip.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator schemas checked without JNI: {@code scripts/gpu/dump_schemas.py} dumps what the loaded
 * PyTorch registers ({@code torch.ops.aten.<op>.<overload>._schema}, same TSV layout as
 * {@code native/ops/ops.tsv}); this class compares it with the schemas jclip's wrappers were
 * generated from and refuses every op whose stack layout changed (argument count or order, an
 * argument's or a result's type or alias annotation), since the dispatcher would otherwise read a
 * stale stack slot. Names and default values may change freely (jclip passes every slot).
 *
 * <pre>{@code
 * List<SchemaCheck.Difference> d = SchemaCheck.compare(SchemaCheck.read(opsTsv), SchemaCheck.read(dump));
 * SchemaCheck.refuse(d);           // from now on those ops throw instead of running
 * }</pre>
 *
 * In external mode, {@code -Djclip.schemas=FILE} or {@code JCLIP_SCHEMAS=FILE} applies a dump on the
 * first operator call.
 */
public final class SchemaCheck {
    private SchemaCheck() {}

    /** What changed for one op ({@code live} is null when the loaded libtorch lacks it). */
    public record Difference(String op, String expected, String live, String why) {
        @Override public String toString() { return op + ": " + why; }
    }

    /**
     * Reads a schema TSV ({@code java name \t schema}, {@code #} comments; a dump may give
     * {@code aten::op.overload \t MISSING}) into qualified name -> schema text (null when missing).
     */
    public static Map<String, String> read(Path tsv) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema file " + tsv + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            int tab = line.indexOf('\t');
            if (tab < 0) throw new IllegalArgumentException(tsv + ":" + (i + 1) + ": expected 'name<TAB>schema', got: " + line);
            String key = line.substring(0, tab).strip(), schema = line.substring(tab + 1).strip();
            if (schema.equals("MISSING")) { out.put(key, null); continue; }
            try {
                out.put(OpSchema.parse(schema).qualifiedName(), schema);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(tsv + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The ops of {@code expected} whose schema in {@code live} is missing or lays out the stack differently. */
    public static List<Difference> compare(Map<String, String> expected, Map<String, String> live) {
        List<Difference> out = new ArrayList<>();
        for (var e : expected.entrySet()) {
            String op = e.getKey(), want = e.getValue();
            if (want == null) continue;
            String got = live.get(op);
            if (got == null) {
                out.add(new Difference(op, want, null, live.containsKey(op) ? "not registered in the loaded libtorch" : "not in the schema dump"));
                continue;
            }
            String why = layoutChange(OpSchema.parse(want), OpSchema.parse(got));
            if (why != null) out.add(new Difference(op, want, got, why));
        }
        return out;
    }

    /** Why two schemas of one op differ in stack layout, or null when they agree. */
    static String layoutChange(OpSchema want, OpSchema got) {
        if (want.args().size() != got.args().size()) {
            return "takes " + got.args().size() + " arguments, jclip passes " + want.args().size() + " (" + got.text() + ")";
        }
        for (int i = 0; i < want.args().size(); i++) {
            OpSchema.Arg a = want.args().get(i), b = got.args().get(i);
            if (!norm(a.type()).equals(norm(b.type()))) {
                return "argument " + i + " ('" + a.name() + "') is now '" + b.type() + " " + b.name() + "', was '" + a.type() + "'";
            }
        }
        String ra = returns(want.text()), rb = returns(got.text());
        if (!ra.equals(rb)) return "returns '" + rb + "', was '" + ra + "'";
        return null;
    }

    private static String norm(String type) { return type.replaceAll("\\s+", ""); }

    /** The return types with names dropped: {@code (Tensor values, Tensor indices)} -> {@code Tensor,Tensor}. */
    static String returns(String schema) {
        String r = schema.substring(schema.lastIndexOf("->") + 2).strip();
        if (r.startsWith("(")) r = r.substring(1, r.lastIndexOf(')'));
        List<String> types = new ArrayList<>();
        for (String part : r.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            // a name follows the type after a space outside parentheses: "Tensor(a!) out" -> "Tensor(a!)"
            int depth = 0, cut = p.length();
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (c == ' ' && depth == 0) { cut = i; break; }
            }
            types.add(p.substring(0, cut));
        }
        return String.join(",", types);
    }

    /**
     * Refuses every op in {@code differences}: a later call throws a {@link TorchException} naming
     * the op and what changed, instead of reaching the dispatcher. Returns how many known ops were refused.
     */
    public static int refuse(List<Difference> differences) {
        Ops.ALL.size(); // every generated handle exists
        int n = 0;
        for (Difference d : differences) {
            OpHandle h = OpHandle.known(d.op());
            if (h == null) continue;
            h.refused = "operator " + d.op() + " is refused: its schema in the loaded libtorch (" + LibTorch.get().version() + ") differs from the one jclip "
                    + "was generated for: " + d.why() + " (regenerate native/ops/ops.tsv for this libtorch)";
            n++;
        }
        return n;
    }

    /** The committed schemas vs a dump, refusing what changed; returns the differences. */
    public static List<Difference> apply(Path opsTsv, Path dump) {
        List<Difference> d = compare(read(opsTsv), read(dump));
        refuse(d);
        return d;
    }

    /** The schema dump configured by {@code jclip.schemas} / {@code JCLIP_SCHEMAS}, or null. */
    static Path configuredDump() {
        String p = System.getProperty("jclip.schemas");
        if (p == null || p.isBlank()) p = System.getenv("JCLIP_SCHEMAS");
        return p == null || p.isBlank() ? null : Path.of(p);
    }

    /** Applies the configured dump against the generated wrappers' own schemas (once, before the first call). */
    static void applyConfigured() {
        Path dump = configuredDump();
        if (dump == null) return;
        Map<String, String> expected = new LinkedHashMap<>();
        for (OpHandle h : Ops.ALL) expected.put(h.schema().qualifiedName(), h.schema().text());
        List<Difference> d = compare(expected, read(dump));
        refuse(d);
        if (!d.isEmpty()) System.err.println("jclip: " + d.size() + " operator(s) refused after the schema check against " + dump + ": " + d);
    }
}
