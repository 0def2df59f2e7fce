package dev.coilsight.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A long-running {@code ./coilsight} command: it takes {@code --verbose} and {@code --log-file}
 * ({@link LoggingOptions}), and its log lines go to the file before its own work in {@link #run()} starts, so
 * that the terminal keeps its progress and results. Its help lists its own options first, then these two, then
 * {@code -h} and {@code -V} (as {@link CommandLines} sets it up).
 */
public abstract class CoilsightCommand implements Callable<Integer> {

    /** The name of the mixin of {@code --verbose} and {@code --log-file}: picocli names a mixin after its field. */
    static final String LOGGING_MIXIN = "logging";

    @Mixin
    private LoggingOptions logging;

    @Spec
    private CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        logging.apply();
        return run();
    }

    /** The command's own work, with its log lines already in the file; returns the exit code. */
    protected abstract int run() throws Exception;

    /** This command as picocli parsed it (its command line, its original arguments). */
    protected final CommandSpec spec() {
        return spec;
    }

    /** The command's stdout (a test's writer when a test sets one). */
    protected final PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    /** The command's stderr (a test's writer when a test sets one). */
    protected final PrintWriter stderr() {
        return spec.commandLine().getErr();
    }

    /**
     * Bad option values that parsing alone cannot see (e.g. two options that exclude each other): thrown, it is
     * reported like a parse error, one line {@code <name>: <message> (see <name> --help)} and exit code 2.
     */
    protected final ParameterException badOption(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
