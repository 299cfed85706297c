package dev.jclip.samples;

import picocli.CommandLine.Command;

/** {@code clip bench <what>}: benchmarks that print figures measured side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (ops, tokenize, load, dist, infer).",
        subcommands = {
                BenchOpsCommand.class,
                BenchConvGuardCommand.class,
                LoadBenchCommand.class,
                BenchTokenizeCommand.class,
                BenchDistCommand.class,
                BenchEmbedCommand.class,
                BenchSearchCommand.class,
                BenchServeCommand.class,
                BenchInferCommand.class,
        })
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Override public void run() { spec.commandLine().usage(System.err); }
}
