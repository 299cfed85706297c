package dev.jclip.samples;

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
                ZeroShotCommand.class,
                EvalCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class ClipCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error policy: a failure is one line naming the command, the stack only with JCLIP_DEBUG set. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ClipCommand());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (System.getenv("JCLIP_DEBUG") != null) ex.printStackTrace();
            line.getErr().println("clip " + line.getCommandName() + ": " + ex.getMessage());
            return 1;
        });
        return cl;
    }
}
