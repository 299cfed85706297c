/**
 * The Java side of {@code scripts/gpu-check}: one phase per run (schemas, parity, training, NCCL,
 * benchmarks against PyTorch eager), each writing a JSON result for the script's report. Part of
 * the command line's application code, not of the library.
 *
 * <pre>
 * java -cp ... dev.jclip.samples.gpu.GpuCheck parity --device cuda --out $OUT [--quick]
 * </pre>
 *
 * <p><b>May import:</b> every {@code dev.jclip} package (the top layer, with {@code dev.jclip.samples}); nothing imports it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.samples.gpu;
