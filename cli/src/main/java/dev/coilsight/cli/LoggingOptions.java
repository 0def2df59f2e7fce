package dev.coilsight.cli;

import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --verbose} and {@code --log-file} for the long-running commands (a picocli mixin): their log
 * lines go to a file so that the terminal shows progress and results.
 */
public final class LoggingOptions {

    @Option(names = "--verbose", description = "Show log lines on the terminal too (they always go to the log file).")
    boolean verbose;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Where log lines go (default: the command's own, named at start).")
    Path logFile;

    /** The command these options belong to: its name names the default log file. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    public boolean verbose() {
        return verbose;
    }

    /**
     * Sends the log lines to {@code --log-file}, else to {@code fallback}; returns the file used.
     */
    public Path apply(Path fallback) {
        Path file = logFile == null ? fallback : logFile;
        CliLogging.toFile(file, verbose);
        return file;
    }

    /**
     * Sends the log lines to {@code --log-file}, else to {@code .coilsight/logs/<command>.log}, and says
     * where on stderr; a subcommand's {@code <command>} is joined to its parent's ({@code bench-ingest}).
     */
    public Path apply() {
        String name = command.qualifiedName("-");
        Path file = apply(defaultFile(name));
        System.err.println(name + ": log lines go to " + file + (verbose ? "" : " (--verbose shows them here)"));
        return file;
    }

    /** The default log file of a command run through the launcher: {@code .coilsight/logs/<command>.log} of the checkout. */
    public static Path defaultFile(String command) {
        Path root = Path.of(System.getProperty("coilsight.root", ".")).toAbsolutePath().normalize();
        return root.resolve(".coilsight").resolve("logs").resolve(command + ".log");
    }
}
