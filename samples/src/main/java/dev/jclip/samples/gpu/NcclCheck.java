package dev.jclip.samples.gpu;

import dev.jclip.torch.Cuda;
import dev.jclip.torch.DType;
import dev.jclip.torch.Nccl;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

/**
 * NCCL through FFM with one rank (one GPU is what the check machine has): version, unique id,
 * {@code ncclCommInitRank} with the id by value, an all-reduce of two buckets in one group on the
 * current stream (a sum over one rank leaves the values), the async-error poll, and abort.
 */
final class NcclCheck {
    private NcclCheck() {}

    static void run(GpuCheck.Ctx ctx, GpuCheck.Result r) {
        if (!ctx.device().isCuda()) {
            r.json.put("status", "skip").put("summary", "needs CUDA");
            return;
        }
        r.check(Nccl.isAvailable(), "libnccl found through libtorch_cuda (or JCLIP_NCCL)");
        if (!Nccl.isAvailable()) return;
        int v = Nccl.version();
        r.json.put("nccl_version", v);
        byte[] id = Nccl.uniqueId();
        r.check(id.length == Nccl.UNIQUE_ID_BYTES, "unique id of " + id.length + " bytes");
        Nccl.Comm c = Nccl.initRank(1, id, 0);
        try (Scope s = Scope.open()) {
            Tensor a = Torch.arange(0, 1000, 1, DType.F32, ctx.device());
            Tensor b = Torch.ones(new long[]{37}, DType.BF16, ctx.device());
            Nccl.groupStart();
            c.allReduce(a, Nccl.Op.SUM);
            c.allReduce(b, Nccl.Op.SUM);
            Nccl.groupEnd();
            Cuda.synchronize(ctx.device());
            r.check(a.sum().item() == 499500.0 && b.to(DType.F32).sum().item() == 37.0, "all-reduce of two buckets in one group");
            r.check(c.asyncError() == 0, "ncclCommGetAsyncError = ncclSuccess");
        } finally {
            c.abort();
        }
        boolean refused;
        try (Scope s = Scope.open()) {
            c.allReduce(Torch.ones(new long[]{1}, DType.F32, ctx.device()), Nccl.Op.SUM);
            refused = false;
        } catch (dev.jclip.torch.TorchException e) {
            refused = true;
        }
        r.check(refused, "an aborted communicator refuses further collectives");
        r.json.put("summary", "NCCL " + v + ": init, grouped all-reduce, async-error poll, abort");
    }
}
