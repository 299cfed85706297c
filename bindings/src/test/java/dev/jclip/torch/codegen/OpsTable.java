package dev.jclip.torch.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code native/ops/ops.tsv}: one operator a line, {@code javaName TAB schema}. */
public final class OpsTable {
    public record Entry(String javaName, String schema) {}

    private OpsTable() {}

    public static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            if (f.length != 2) throw new IllegalArgumentException(file + ":" + n + ": expected 'javaName<TAB>schema'");
            out.add(new Entry(f[0].strip(), f[1].strip()));
        }
        return out;
    }
}
