package dev.coilsight.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import picocli.CommandLine;

/**
 * The picocli command line of every Coilsight command: bad input (a bad option, a missing or
 * malformed file, an unusable model) is one line {@code <name>: <what is wrong>} on stderr and
 * exit code {@value #BAD_INPUT}, without a stack trace; anything else is a bug and propagates.
 */
public final class CommandLines {

    public static final int BAD_INPUT = 2;

    private CommandLines() {
    }

    public static CommandLine create(Object command, String name) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((e, args) -> {
            // One line instead of picocli's message plus the whole usage text.
            e.getCommandLine().getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (isBadInput(e)) {
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
