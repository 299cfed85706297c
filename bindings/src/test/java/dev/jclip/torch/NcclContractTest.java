package dev.jclip.torch;

import dev.jclip.torch.codegen.CHeader;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The NCCL and CUDA runtime bindings against NCCL's and CUDA's own headers, written out here by
 * hand from {@code nccl.h} / {@code cuda_runtime_api.h} (enums are C ints, {@code ncclComm_t} and
 * {@code cudaStream_t} are pointers, {@code ncclUniqueId} is a 128-byte struct passed by value):
 * the C contract must declare them so, optional, and the generated downcalls must use exactly
 * these descriptors. A wrong by-value struct size would corrupt the stack of every rank.
 */
class NcclContractTest {
    /** {@code typedef struct { char internal[NCCL_UNIQUE_ID_BYTES]; } ncclUniqueId;} with NCCL_UNIQUE_ID_BYTES = 128. */
    static final MemoryLayout UNIQUE_ID = MemoryLayout.structLayout(MemoryLayout.sequenceLayout(128, JAVA_BYTE).withName("internal")).withName("ncclUniqueId");

    static final Map<String, FunctionDescriptor> EXPECTED = Map.ofEntries(
            Map.entry("ncclGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("ncclGetUniqueId", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("ncclCommInitRank", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID, JAVA_INT)),
            Map.entry("ncclAllReduce", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)),
            Map.entry("ncclBroadcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)),
            Map.entry("ncclAllGather", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS)),
            Map.entry("ncclGroupStart", FunctionDescriptor.of(JAVA_INT)),
            Map.entry("ncclGroupEnd", FunctionDescriptor.of(JAVA_INT)),
            Map.entry("ncclCommGetAsyncError", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
            Map.entry("ncclCommAbort", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("ncclCommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("ncclGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
            Map.entry("cudaStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
            Map.entry("cudaMemGetInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
            Map.entry("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
            Map.entry("aoti_torch_get_current_cuda_stream", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS)),
            Map.entry("aoti_torch_create_cuda_guard", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS)));

    @Test void ncclAndCudaDeclarationsHaveTheHeadersSignaturesAndAreOptional() throws Exception {
        Map<String, NativeApi.Decl> decls = NativeApi.DECLARATIONS.stream().collect(Collectors.toMap(NativeApi.Decl::name, Function.identity()));
        Map<String, CHeader.Function> header = CHeader.parse(ContractTest.ROOT.resolve("native/include/jclip_torch.h")).stream()
                .collect(Collectors.toMap(CHeader.Function::name, Function.identity()));
        for (var e : EXPECTED.entrySet()) {
            NativeApi.Decl d = decls.get(e.getKey());
            assertNotNull(d, e.getKey() + " missing from NativeApi");
            assertEquals(e.getValue(), d.descriptor(), e.getKey());
            assertTrue(d.optional(), e.getKey() + " must be JCLIP_OPTIONAL (absent on CPU builds)");
            assertTrue(header.get(e.getKey()).optional(), e.getKey());
        }
        assertEquals(128, UNIQUE_ID.byteSize());
        List<String> nccl = decls.keySet().stream().filter(n -> n.startsWith("nccl")).toList();
        assertTrue(EXPECTED.keySet().containsAll(nccl), "every NCCL binding is checked here: " + nccl);
    }

    @Test void withoutNcclTheCallsSaySo() {
        if (Nccl.isAvailable()) return; // a CUDA machine: the GPU check exercises the real thing
        TorchException e = assertThrows(TorchException.class, Nccl::uniqueId);
        assertTrue(e.getMessage().contains("NCCL is not available"), e.getMessage());
        if (!Cuda.isAvailable()) {
            assertEquals(0, Cuda.deviceCount());
            TorchException c = assertThrows(TorchException.class, () -> Cuda.setDevice(0));
            assertTrue(c.getMessage().contains("CUDA"), c.getMessage());
            Cuda.synchronize(Device.CPU); // a no-op, so benchmarks need no special case
        }
    }
}
