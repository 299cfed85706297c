package dev.jclip.torch.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regenerates the committed generated sources from their machine-readable sources of truth:
 * {@code native/include/jclip_torch.h} -> {@code NativeApi.java} and {@code native/ops/ops.tsv}
 * (libtorch operator schemas) -> {@code Ops.java}. Run by {@code scripts/generate};
 * {@code GeneratedSourcesTest} fails when the committed files differ from what this produces.
 */
public final class Generate {
    private Generate() {}

    /** Generated file (relative to the repository root) -> its content. */
    public static Map<Path, String> all(Path root) throws IOException {
        Map<Path, String> out = new LinkedHashMap<>();
        Path gen = Path.of("bindings/src/generated/java/dev/jclip/torch");
        out.put(gen.resolve("NativeApi.java"), NativeApiGenerator.generate(
                CHeader.parse(root.resolve("native/include/jclip_torch.h")), "jclip_torch.h"));
        out.put(gen.resolve("Ops.java"), OpsGenerator.generate(OpsTable.read(root.resolve("native/ops/ops.tsv"))));
        return out;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        for (Map.Entry<Path, String> e : all(root).entrySet()) {
            Path target = root.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".gen", ".tmp");
            Files.writeString(tmp, e.getValue());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("wrote " + e.getKey());
        }
    }
}
