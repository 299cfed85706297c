package dev.jclip.dist;

import dev.jclip.torch.DType;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Averages gradients over ranks in buckets, like PyTorch's DDP: parameters are grouped (in reverse
 * order, since backward produces the last layers' gradients first) into flat buffers of at most
 * {@code bucketBytes} (DDP's default 25 MiB), each bucket's all-reduce is launched as soon as it is
 * packed, so communication of bucket k overlaps the packing of bucket k+1, then every bucket is
 * divided by the world size and unpacked into the gradients. Gloo has no AVG, hence SUM / world.
 *
 * <p>Why not during backward: libtorch's autograd cannot call back into Java, so gradient-ready
 * hooks are out of reach; c10d's C++ {@code Reducer} could hook them but its Java mapping needs a
 * {@code ProcessGroup} wrapper that Bytedeco's presets do not build from a Backend. The all-reduce
 * starts right after backward instead.
 *
 * <pre>{@code
 * GradientBuckets sync = new GradientBuckets(pg, model.namedParameters(), GradientBuckets.DEFAULT_BUCKET_BYTES);
 * loss.backward();
 * sync.allReduceMean();   // every rank now holds the mean gradient
 * optimizer.step(lr);
 * }</pre>
 *
 * A parameter without a gradient on this rank contributes zeros (and receives the mean), so the
 * bucket layout, fixed at construction, is the same on every rank.
 */
public final class GradientBuckets {
    /** PyTorch DDP's {@code bucket_cap_mb=25}. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;

    private final ProcessGroup pg;
    private final List<List<Map.Entry<String, Tensor>>> buckets = new ArrayList<>();

    public GradientBuckets(ProcessGroup pg, Map<String, Tensor> namedParameters, long bucketBytes) {
        if (bucketBytes < 1) throw new IllegalArgumentException("bucket size must be positive, got " + bucketBytes);
        this.pg = pg;
        List<Map.Entry<String, Tensor>> params = new ArrayList<>(new LinkedHashMap<>(namedParameters).entrySet());
        java.util.Collections.reverse(params);
        List<Map.Entry<String, Tensor>> cur = new ArrayList<>();
        long bytes = 0;
        DType dtype = null;
        for (var e : params) {
            Tensor p = e.getValue();
            long b = p.numel() * p.dtype().byteSize();
            if (!cur.isEmpty() && (bytes + b > bucketBytes || p.dtype() != dtype)) {
                buckets.add(cur);
                cur = new ArrayList<>();
                bytes = 0;
            }
            cur.add(e);
            bytes += b;
            dtype = p.dtype();
        }
        if (!cur.isEmpty()) buckets.add(cur);
    }

    /** Number of buckets. */
    public int bucketCount() { return buckets.size(); }

    /** Parameter names per bucket, in all-reduce order. */
    public List<List<String>> layout() {
        List<List<String>> r = new ArrayList<>();
        for (var b : buckets) r.add(b.stream().map(Map.Entry::getKey).toList());
        return r;
    }

    /** Replaces every parameter's gradient by its mean over all ranks. */
    public void allReduceMean() {
        if (pg.worldSize() == 1) return;
        try (Scope s = Scope.open()) {
            List<Tensor> flats = new ArrayList<>();
            List<ProcessGroup.Pending> pending = new ArrayList<>();
            for (int i = 0; i < buckets.size(); i++) {
                List<Tensor> parts = new ArrayList<>();
                for (var e : buckets.get(i)) {
                    Tensor g = e.getValue().grad();
                    parts.add(g == null ? Torch.zerosLike(e.getValue()).flatten() : g.flatten());
                }
                flats.add(Torch.cat(parts, 0));
            }
            // One group: NCCL launches every bucket's all-reduce at once on the current stream.
            pg.group(() -> {
                for (int i = 0; i < flats.size(); i++) {
                    pending.add(pg.allReduceSumAsync(flats.get(i), "gradient all-reduce, bucket " + (i + 1) + "/" + buckets.size()));
                }
            });
            for (int i = 0; i < buckets.size(); i++) {
                pending.get(i).await();
                Tensor mean = flats.get(i).div(pg.worldSize());
                long off = 0;
                for (var e : buckets.get(i)) {
                    Tensor p = e.getValue();
                    long n = p.numel();
                    Tensor slice = mean.narrow(0, off, n).view(p.shape());
                    Tensor g = p.grad();
                    if (g == null) p.setGrad(slice.copy()); // the grad slot holds its own reference
                    else g.copy_(slice);
                    off += n;
                }
            }
        }
    }

    /** Overwrites every parameter with rank 0's values (done once at start, as DDP does). */
    public static void broadcastParameters(ProcessGroup pg, Map<String, Tensor> namedParameters) {
        if (pg.worldSize() == 1) return;
        for (var e : namedParameters.entrySet()) {
            Tensor p = e.getValue();
            // In-place write of a leaf that requires grad: done on the raw data, outside autograd.
            try (var g = Torch.noGrad()) {
                pg.broadcast(p, 0);
            }
        }
    }
}
