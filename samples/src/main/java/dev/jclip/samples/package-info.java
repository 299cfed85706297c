/**
 * The {@code clip} command line ({@link dev.jclip.samples.ClipCommand} and one picocli command per
 * subcommand), the demo, the benchmarks and the pictures they draw (XChart, which the library does
 * not depend on). An application of the library, not part of it.
 *
 * <pre>{@code
 * scripts/clip zero-shot --checkpoint demo-out/model.safetensors --classes "a dog,a cat" photo.jpg
 * }</pre>
 *
 * <p><b>May import:</b> every {@code dev.jclip} package (the top layer); nothing imports it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.samples;
