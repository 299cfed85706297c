package dev.jclip.io;

import dev.jclip.torch.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** safetensors and torch.save writers: round trips through the readers, layout and sharing. */
class WritersTest {
    @TempDir Path dir;

    @Test
    void fixtureRoundTripsThroughBothWriters() {
        Path model = Fixtures.modelDirs().get(Fixtures.modelDirs().size() - 1); // resnet_b: float32 + int64
        try (StateDict src = TorchScriptArchive.read(model.resolve("jit.pt"))) {
            Safetensors.write(dir.resolve("a.safetensors"), src.tensors(), Map.of("k", "v"));
            TorchZipWriter.write(dir.resolve("a.pt"), src.tensors());
            try (StateDict st = Safetensors.read(dir.resolve("a.safetensors"));
                 StateDict pt = Checkpoints.load(dir.resolve("a.pt"))) {
                assertEquals("v", st.metadata().get("k"));
                assertEquals(CheckpointFormat.TORCH_ZIP, pt.format());
                assertEquals(src.names(), st.names());
                assertEquals(new java.util.ArrayList<>(src.names()), new java.util.ArrayList<>(pt.names()), "torch.save keeps order");
                for (String n : src.names()) {
                    assertTrue(src.get(n).sameContent(st.get(n)), n);
                    assertTrue(src.get(n).sameContent(pt.get(n)), n);
                    // both writers align data, so reading back never needs a copy
                    assertTrue(st.get(n).storage().isMapped() && pt.get(n).storage().isMapped(), n);
                    assertEquals(0, st.get(n).storage().address() % st.get(n).dtype().byteSize(), n);
                }
            }
        }
    }

    @Test
    void safetensorsLayoutMatchesTheReferenceConventions() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            Map<String, TensorData> m = new LinkedHashMap<>();
            m.put("h", TensorData.contiguous(DType.F16, new long[]{3}, a.allocate(6)));
            m.put("d", TensorData.contiguous(DType.F64, new long[]{1}, a.allocate(8)));
            m.put("b", TensorData.contiguous(DType.BOOL, new long[]{0}, a.allocate(0)));
            Path f = dir.resolve("layout.safetensors");
            Safetensors.write(f, m, Map.of());
            byte[] bytes = Files.readAllBytes(f);
            long n = MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            assertEquals(0, (8 + n) % 8, "data section 8-byte aligned");
            assertEquals(8 + n + 8 + 6, bytes.length);
            String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(header.indexOf("\"d\"") < header.indexOf("\"h\""), "8-byte elements first: " + header);
            assertFalse(header.contains("__metadata__"), "no empty metadata object");
            try (StateDict back = Safetensors.read(f)) {
                assertEquals(0, back.get("b").numel());
                assertArrayEquals(new long[]{3}, back.get("h").shape());
            }
        }
    }

    @Test
    void sharedStoragesAndStridedViewsSurviveTorchSave() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(6 * 4);
            for (int i = 0; i < 6; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            TensorData w = TensorData.contiguous(DType.F32, new long[]{2, 3}, s);
            Map<String, TensorData> m = new LinkedHashMap<>();
            m.put("w", w);
            m.put("wt", w.t());                                                        // strided view
            m.put("row1", new TensorData(DType.F32, new long[]{3}, new long[]{1}, 3, s)); // offset view
            Path f = dir.resolve("shared.pt");
            TorchZipWriter.write(f, m);
            try (StateDict back = TorchZip.read(f)) {
                TensorData bw = back.get("w"), bt = back.get("wt"), br = back.get("row1");
                assertEquals(bw.storage().address(), bt.storage().address(), "one storage, as in PyTorch");
                assertEquals(bw.storage().address(), br.storage().address());
                assertArrayEquals(new long[]{1, 3}, bt.strides());
                assertEquals(3, br.storageOffset());
                assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, bt.toFloatArray());
                assertArrayEquals(new float[]{3, 4, 5}, br.toFloatArray());
            }
        }
    }

    @Test
    void convertWritesCanonicalSafetensors() {
        Path model = Fixtures.modelDirs().get(0);
        Path out = dir.resolve("conv.safetensors");
        Checkpoints.convert(model.resolve("jit.pt"), out, true);
        try (StateDict ref = Safetensors.read(model.resolve("model.safetensors")); StateDict got = Safetensors.read(out)) {
            assertEquals(ref.names(), got.names());
            for (String n : ref.names()) assertTrue(ref.get(n).sameContent(got.get(n)), n);
            assertEquals(CheckpointFormat.TORCHSCRIPT.label(), got.metadata().get("source_format"));
        }
    }
}
