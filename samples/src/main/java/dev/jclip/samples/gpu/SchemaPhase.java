package dev.jclip.samples.gpu;

import dev.jclip.torch.SchemaCheck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The loaded PyTorch's schemas (dumped by {@code scripts/gpu/dump_schemas.py} with {@code --dump FILE})
 * vs {@code native/ops/ops.tsv}: every op whose stack layout changed is listed (and would be refused).
 * {@code --informational true}: the dump does not come from the libtorch jclip loads (e.g. an old
 * distribution PyTorch next to the embedded CPU build), so differences are reported, not failed.
 */
final class SchemaPhase {
    private SchemaPhase() {}

    static void run(GpuCheck.Ctx ctx, GpuCheck.Result r) {
        Path dump = Path.of(ctx.opt("dump", ctx.out().resolve("schemas.tsv").toString()));
        if (!Files.isRegularFile(dump)) {
            r.json.put("status", "skip").put("summary", "no schema dump at " + dump + " (no PyTorch importable by python3)");
            return;
        }
        List<SchemaCheck.Difference> d = SchemaCheck.compare(SchemaCheck.read(ctx.root().resolve("native/ops/ops.tsv")), SchemaCheck.read(dump));
        var arr = r.json.putArray("differences");
        for (SchemaCheck.Difference x : d) arr.add(x.toString());
        boolean info = Boolean.parseBoolean(ctx.opt("informational", "false"));
        r.json.put("summary", d.size() + " of the wrapped ops differ" + (info ? " (informational: the dump is not of the loaded libtorch)" : ""));
        if (info) {
            r.json.put("status", "skip");
            for (SchemaCheck.Difference x : d) System.out.println("info " + x);
        } else {
            for (SchemaCheck.Difference x : d) r.fail("schema changed: " + x);
            r.check(true, "schemas compared: " + d.size() + " differences");
        }
    }
}
