package dev.jclip.torch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The JNI-free schema check: a crafted dump of a "newer PyTorch" against the committed ops.tsv. */
class SchemaCheckTest {
    static final Path OPS_TSV = ContractTest.ROOT.resolve("native/ops/ops.tsv");

    @Test void theCommittedTableAgreesWithItself() {
        Map<String, String> committed = SchemaCheck.read(OPS_TSV);
        assertTrue(committed.size() > 100, "ops.tsv has " + committed.size() + " ops");
        assertEquals(List.of(), SchemaCheck.compare(committed, committed));
    }

    @Test void aChangedArgumentOrMissingOpIsFoundAndRefused(@TempDir Path dir) throws Exception {
        String tsv = Files.readString(OPS_TSV);
        // What a dump from a changed libtorch could hold: an extra argument for relu, a new type
        // for gelu's approximate, an op gone, a renamed argument and a changed default (harmless).
        String relu = line(tsv, "aten::relu(");
        String gelu = line(tsv, "aten::gelu(");
        String sigmoid = line(tsv, "aten::sigmoid(");
        String tanh = line(tsv, "aten::tanh(");
        String crafted = tsv
                .replace(relu, relu.replace("(Tensor self)", "(Tensor self, bool inplace=False)"))
                .replace(gelu, gelu.replace("str approximate", "int approximate").replace("=\"none\"", "=0"))
                .replace(sigmoid, "aten::sigmoid\tMISSING")
                .replace(tanh, tanh.replace("Tensor self", "Tensor input"));
        Path dump = dir.resolve("dump.tsv");
        Files.writeString(dump, "# dumped by a test\n" + crafted);
        List<SchemaCheck.Difference> d = SchemaCheck.compare(SchemaCheck.read(OPS_TSV), SchemaCheck.read(dump));
        assertEquals(List.of("aten::relu", "aten::gelu", "aten::sigmoid").stream().sorted().toList(),
                d.stream().map(SchemaCheck.Difference::op).sorted().toList(), d.toString());
        SchemaCheck.Difference r = d.stream().filter(x -> x.op().equals("aten::relu")).findFirst().orElseThrow();
        assertTrue(r.why().contains("takes 2 arguments"), r.why());

        // Refusing: the changed op now throws before reaching libtorch, naming it; others still run.
        OpHandle reluHandle = Ops.OP_RELU;
        try (Scope s = Scope.open()) {
            Tensor x = Torch.of(new float[]{-1, 2}, 2);
            SchemaCheck.refuse(d.stream().filter(x2 -> x2.op().equals("aten::relu")).toList());
            TorchException e = assertThrows(TorchException.class, () -> F.relu(x));
            assertTrue(e.getMessage().contains("aten::relu") && e.getMessage().contains("takes 2 arguments"), e.getMessage());
            assertArrayEquals(new float[]{-2, 4}, x.mul(2.0).toFloatArray());
        } finally {
            reluHandle.refused = null; // other tests in this JVM use relu
        }
    }

    @Test void returnNamesDoNotMatterButTheirTypesDo() {
        OpSchema a = OpSchema.parse("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)");
        OpSchema b = OpSchema.parse("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor v, Tensor i)");
        OpSchema c = OpSchema.parse("aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, int indices)");
        assertNull(SchemaCheck.layoutChange(a, b));
        assertNotNull(SchemaCheck.layoutChange(a, c));
        assertEquals("Tensor(a!)", SchemaCheck.returns("aten::zero_(Tensor(a!) self) -> Tensor(a!)"));
    }

    @Test void aMalformedDumpNamesTheLine(@TempDir Path dir) throws Exception {
        Path dump = dir.resolve("bad.tsv");
        Files.writeString(dump, "# x\nrelu aten::relu(Tensor self) -> Tensor\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchemaCheck.read(dump));
        assertTrue(e.getMessage().contains("bad.tsv:2"), e.getMessage());
    }

    private static String line(String tsv, String contains) {
        return tsv.lines().filter(l -> l.contains("\t" + contains)).findFirst().orElseThrow(() -> new AssertionError("no line with " + contains));
    }
}
