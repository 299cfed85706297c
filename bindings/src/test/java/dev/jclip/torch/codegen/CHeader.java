package dev.jclip.torch.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the C contract ({@code native/include/*.h}): one function declaration per line, types
 * limited to the ones this project uses, mapped to FFM layouts by name.
 */
public final class CHeader {
    /** One declared function. {@code layouts} are FFM layout constant names ({@code JAVA_INT}, ...). */
    public record Function(String name, String cReturn, List<String> cParams, List<String> paramNames,
                           String returnLayout, List<String> paramLayouts, boolean critical, boolean optional,
                           String declaration) {
        public String descriptorSource() {
            String params = String.join(", ", paramLayouts);
            return returnLayout == null
                    ? "FunctionDescriptor.ofVoid(" + params + ")"
                    : "FunctionDescriptor.of(" + returnLayout + (params.isEmpty() ? "" : ", " + params) + ")";
        }
    }

    private static final Pattern DECL = Pattern.compile(
            "^((?:JCLIP_CRITICAL\\s+|JCLIP_OPTIONAL\\s+)*)(.+?)\\s*\\b([A-Za-z_][A-Za-z0-9_]*)\\s*\\((.*)\\)\\s*;\\s*$");

    private static final Map<String, String> SCALARS = Map.ofEntries(
            Map.entry("void", "void"),
            Map.entry("AOTITorchError", "JAVA_INT"), Map.entry("int", "JAVA_INT"),
            Map.entry("int32_t", "JAVA_INT"), Map.entry("uint32_t", "JAVA_INT"),
            Map.entry("int64_t", "JAVA_LONG"), Map.entry("uint64_t", "JAVA_LONG"),
            Map.entry("size_t", "JAVA_LONG"), Map.entry("StableIValue", "JAVA_LONG"),
            Map.entry("int8_t", "JAVA_BYTE"), Map.entry("bool", "JAVA_BOOLEAN"),
            Map.entry("double", "JAVA_DOUBLE"), Map.entry("float", "JAVA_FLOAT"),
            Map.entry("AtenTensorHandle", "ADDRESS"), Map.entry("StableListHandle", "ADDRESS"),
            Map.entry("StringHandle", "ADDRESS"),
            Map.entry("CUDAGuardHandle", "ADDRESS"), Map.entry("cudaStream_t", "ADDRESS"), Map.entry("cudaError_t", "JAVA_INT"),
            Map.entry("ncclResult_t", "JAVA_INT"), Map.entry("ncclDataType_t", "JAVA_INT"), Map.entry("ncclRedOp_t", "JAVA_INT"),
            Map.entry("ncclComm_t", "ADDRESS"),
            // passed by value: a struct layout, declared once in NativeApi
            Map.entry("ncclUniqueId", "NCCL_UNIQUE_ID"));

    private CHeader() {}

    public static List<Function> parse(Path header) throws IOException {
        List<Function> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(header);
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (inComment) { if (line.contains("*/")) inComment = false; continue; }
            if (line.startsWith("/*")) { if (!line.contains("*/")) inComment = true; continue; }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//") || line.startsWith("typedef")
                    || line.startsWith("extern") || line.equals("}")) continue;
            Matcher m = DECL.matcher(line);
            if (!m.matches()) throw new IllegalArgumentException(header + ":" + (i + 1) + ": not a declaration: " + line);
            String mods = m.group(1);
            String ret = norm(m.group(2));
            String name = m.group(3);
            List<String> ctypes = new ArrayList<>(), names = new ArrayList<>(), layouts = new ArrayList<>();
            String params = m.group(4).strip();
            if (!params.isEmpty() && !params.equals("void")) {
                for (String p : params.split(",")) {
                    Matcher pm = Pattern.compile("^(.*?)\\s*\\b([A-Za-z_][A-Za-z0-9_]*)$").matcher(p.strip());
                    if (!pm.matches()) throw new IllegalArgumentException(header + ":" + (i + 1) + ": bad parameter '" + p + "'");
                    String t = norm(pm.group(1));
                    ctypes.add(t);
                    names.add(pm.group(2));
                    layouts.add(layout(t, header, i + 1));
                }
            }
            String rl = layout(ret, header, i + 1);
            out.add(new Function(name, ret, ctypes, names, rl.equals("void") ? null : rl, layouts,
                    mods.contains("JCLIP_CRITICAL"), mods.contains("JCLIP_OPTIONAL"), line));
        }
        return out;
    }

    private static String norm(String t) {
        return t.replace("const ", "").replaceAll("\\s+", " ").replace(" *", "*").strip();
    }

    private static String layout(String ctype, Path file, int line) {
        if (ctype.endsWith("*")) return "ADDRESS";
        String l = SCALARS.get(ctype);
        if (l == null) throw new IllegalArgumentException(file + ":" + line + ": unknown C type '" + ctype + "'");
        return l;
    }
}
