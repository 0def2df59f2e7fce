package dev.coilsight.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * {@code --verbose} and {@code --log-file} for the long-running commands (a picocli mixin): their log
 * lines go to a file so that the terminal shows progress and results.
 */
public final class LoggingOptions {

    @Option(names = "--verbose", description = "Show log lines on the terminal too (they always go to the log file).")
    boolean verbose;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Where log lines go (default: the command's own, named at start).")
    Path logFile;

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
     * where on stderr.
     */
    public Path apply(String command) {
        Path file = apply(defaultFile(command));
        System.err.println(command + ": log lines go to " + file + (verbose ? "" : " (--verbose shows them here)"));
        return file;
    }

    /** The default log file of a command run through the launcher: {@code .coilsight/logs/<command>.log} of the checkout. */
    public static Path defaultFile(String command) {
        Path root = Path.of(System.getProperty("coilsight.root", ".")).toAbsolutePath().normalize();
        return root.resolve(".coilsight").resolve("logs").resolve(command + ".log");
    }
}
