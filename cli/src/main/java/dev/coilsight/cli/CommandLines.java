package dev.coilsight.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Predicate;

import picocli.CommandLine;

/**
 * The picocli command line of every Coilsight command: bad input (a bad option, a missing or
 * malformed file, an unusable model) is one line {@code <name>: <what is wrong>} on stderr and
 * exit code {@value #BAD_INPUT}, without a stack trace; anything else is a bug and propagates.
 * {@code <name>} is the command's {@code @Command} name.
 */
public final class CommandLines {

    public static final int BAD_INPUT = 2;

    private CommandLines() {
    }

    public static CommandLine create(Object command) {
        return configure(new CommandLine(command), CommandLines::isBadInput);
    }

    /** As {@link #create(Object)}, with one more kind of exception that means bad input (e.g. a port in use). */
    public static CommandLine create(Object command, Class<? extends Exception> alsoBadInput) {
        return configure(new CommandLine(command), e -> isBadInput(e) || alsoBadInput.isInstance(e));
    }

    /**
     * A command's {@code main}: runs {@code cli} on {@code args} and exits with its code. Headless, as under the
     * launcher: charts and images are drawn off-screen also when a command is started without it.
     */
    public static void runAndExit(CommandLine cli, String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(cli.execute(args));
    }

    private static CommandLine configure(CommandLine cli, Predicate<Exception> badInput) {
        String name = cli.getCommandName();
        cli.setParameterExceptionHandler((e, args) -> {
            // One line instead of picocli's message plus the whole usage text.
            e.getCommandLine().getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (badInput.test(e)) {
                commandLine.getErr().println(name + ": " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        return cli;
    }

    static boolean isBadInput(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof UncheckedIOException || e instanceof IOException;
    }
}
