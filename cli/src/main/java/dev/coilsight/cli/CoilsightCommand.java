package dev.coilsight.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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

    /**
     * The command's own options as they were given or defaulted, keyed by long name in camel case
     * ({@code --warmup-rounds}: {@code warmupRounds}): what a report records it ran with, so that none is forgotten.
     * Paths and enums as text, a URL's user and password masked; help, version and logging options left out.
     */
    protected final Map<String, Object> optionValues() {
        Set<String> logging = spec.mixins().get(LOGGING_MIXIN).options().stream().map(OptionSpec::longestName).collect(Collectors.toSet());
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp() || logging.contains(option.longestName())) {
                continue;
            }
            Object value = option.getValue();
            if (value instanceof Path || value instanceof Enum<?>) {
                value = value.toString();
            } else if (value instanceof String text) {
                value = text.replaceAll("://[^/@\\s]+@", "://***@");
            }
            values.put(camelCase(option.longestName()), value);
        }
        return values;
    }

    private static String camelCase(String optionName) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : optionName.replaceFirst("^-+", "").toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }
}
