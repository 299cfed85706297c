package dev.jclip.samples;

import dev.jclip.progress.Notices;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code clip} command line: {@code scripts/clip <command> [options]}. Each subcommand is
 * its own class in this package; register new ones in {@code subcommands} below.
 */
@Command(name = "clip", mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "jclip: CLIP on libtorch from Java.",
        subcommands = {
                VersionCommand.class,
                BenchCommand.class,
                TrainCommand.class,
                DemoCommand.class,
                InfoCommand.class,
                ConvertCommand.class,
                PreprocessCommand.class,
                TokenizeCommand.class,
                EmbedCommand.class,
                IndexCommand.class,
                SearchCommand.class,
                ServeCommand.class,
                ZeroShotCommand.class,
                EvalCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class ClipCommand implements Runnable {
    static {
        // The library's notices (an assumed architecture, a skipped sample) as one plain line each, not a log record.
        Notices.to(ClipCommand::printNotice);
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** {@code --threads N} on every command (inherited by each subcommand): libtorch's intra-op threads. */
    @CommandLine.Option(names = "--threads", paramLabel = "N", scope = CommandLine.ScopeType.INHERIT,
            description = "CPU threads for libtorch's kernels (default: JCLIP_THREADS, else one per core; see `clip version`).")
    void setThreads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, got " + n);
        dev.jclip.torch.Threads.setIntraOp(n);
    }

    @Override public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The message on one line (libtorch's op failures add an "arguments:" line; keep it, joined). */
    static String oneLine(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) m = ex.getClass().getSimpleName();
        return m.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** A library notice on stderr as {@code jclip: <notice>} (System.err looked up each time: tests replace it). */
    static void printNotice(String message) {
        System.err.println("jclip: " + message);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it: a failure is one line on stderr and exit code 1. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            // A user-facing failure: one clear line, the stack only with JCLIP_DEBUG set.
            if (System.getenv("JCLIP_DEBUG") != null) ex.printStackTrace();
            line.getErr().println("clip " + line.getCommandName() + ": " + oneLine(ex));
            return 1;
        });
        return cl;
    }
}
