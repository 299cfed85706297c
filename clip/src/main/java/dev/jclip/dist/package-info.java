/**
 * Data-parallel training across processes: the environment of a launcher or Slurm
 * ({@link dev.jclip.dist.DistEnv}), libtorch's gloo/NCCL process groups ({@link dev.jclip.dist.ProcessGroup}),
 * the global-batch contrastive loss ({@link dev.jclip.dist.GlobalBatchLoss}), gradient all-reduce in
 * buckets and peer failure detection.
 *
 * <pre>{@code
 * try (ProcessGroup pg = ProcessGroup.init(DistEnv.fromEnvironment(), Device.CPU, Duration.ofSeconds(60))) {
 *     pg.barrier();
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.torch}, {@code dev.jclip.io}, {@code dev.jclip.model} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.dist;
