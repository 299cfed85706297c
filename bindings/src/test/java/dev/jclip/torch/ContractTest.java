package dev.jclip.torch;

import dev.jclip.torch.codegen.CHeader;
import dev.jclip.torch.codegen.Generate;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The Java side matches the C contract in native/include, and generated code is not stale. */
class ContractTest {
    static final Path ROOT = Path.of(System.getProperty("jclip.root", "..")).toAbsolutePath().normalize();

    @Test void everyDeclarationResolvesWithTheDeclaredSignature() throws Exception {
        List<CHeader.Function> header = CHeader.parse(ROOT.resolve("native/include/jclip_torch.h"));
        assertEquals(header.size(), NativeApi.DECLARATIONS.size(), "declarations in header vs NativeApi");
        LibTorch.get();
        int resolved = 0;
        for (int i = 0; i < header.size(); i++) {
            CHeader.Function h = header.get(i);
            NativeApi.Decl d = NativeApi.DECLARATIONS.get(i);
            assertEquals(h.name(), d.name());
            // The descriptor the Java side links with equals the one derived from the C declaration.
            assertEquals(descriptor(h), d.descriptor(), h.name());
            assertEquals(h.critical(), d.critical(), h.name());
            boolean found = NativeLinker.find(h.name()).isPresent();
            if (!h.optional()) assertTrue(found, "symbol not found in loaded libraries: " + h.name());
            if (found) resolved++;
        }
        long required = header.stream().filter(f -> !f.optional()).count();
        assertTrue(resolved >= required, resolved + " resolved, " + required + " required");
    }

    private static java.lang.foreign.FunctionDescriptor descriptor(CHeader.Function f) {
        Map<String, java.lang.foreign.MemoryLayout> m = Map.of(
                "NCCL_UNIQUE_ID", NcclContractTest.UNIQUE_ID,
                "JAVA_INT", java.lang.foreign.ValueLayout.JAVA_INT, "JAVA_LONG", java.lang.foreign.ValueLayout.JAVA_LONG,
                "JAVA_BYTE", java.lang.foreign.ValueLayout.JAVA_BYTE, "JAVA_BOOLEAN", java.lang.foreign.ValueLayout.JAVA_BOOLEAN,
                "JAVA_DOUBLE", java.lang.foreign.ValueLayout.JAVA_DOUBLE, "JAVA_FLOAT", java.lang.foreign.ValueLayout.JAVA_FLOAT,
                "ADDRESS", java.lang.foreign.ValueLayout.ADDRESS);
        java.lang.foreign.MemoryLayout[] args = f.paramLayouts().stream().map(m::get).toArray(java.lang.foreign.MemoryLayout[]::new);
        return f.returnLayout() == null ? java.lang.foreign.FunctionDescriptor.ofVoid(args)
                : java.lang.foreign.FunctionDescriptor.of(m.get(f.returnLayout()), args);
    }

    @Test void generatedSourcesAreUpToDate() throws Exception {
        for (Map.Entry<Path, String> e : Generate.all(ROOT).entrySet()) {
            String committed = Files.readString(ROOT.resolve(e.getKey()));
            assertEquals(e.getValue(), committed, e.getKey() + " is stale: run scripts/generate and commit the result");
        }
    }

    @Test void generatedSchemasMatchTheLoadedLibtorch() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LibTorch.get().hasJni(), "schema registry needs the JNI bridge");
        for (OpHandle h : Ops.ALL) {
            OpSchema s = h.schema();
            String live = JniBridge.schemaOf(s.name(), s.overload());
            assertEquals(live, s.text(), "schema of " + s.qualifiedName() + " differs in this libtorch: run scripts/generate --dump");
        }
    }
}
