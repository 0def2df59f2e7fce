package dev.coilsight.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The picocli command line of every Coilsight command: bad input (a bad option, a missing or
 * malformed file, an unusable model) is one line {@code <name>: <what is wrong>} on stderr and
 * exit code {@value #BAD_INPUT}, without a stack trace; anything else is a bug and propagates.
 * {@code <name>} is the command's {@code @Command} name. The help of a {@link CoilsightCommand} lists the
 * command's own options before the ones it inherits.
 */
public final class CommandLines {

    public static final int BAD_INPUT = 2;

    private CommandLines() {
    }

    public static CommandLine create(Object command) {
        CommandLine cli = new CommandLine(command);
        String name = cli.getCommandName();
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
        cli.setHelpFactory(OwnOptionsFirst::new);
        return cli;
    }

    static boolean isBadInput(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof UncheckedIOException || e instanceof IOException;
    }

    /**
     * Help that lists options in declaration order, where picocli reads a superclass's fields before the
     * subclass's: a {@link CoilsightCommand}'s own options would follow the {@code --verbose} and {@code --log-file}
     * it inherits. A reader looks for the command's own options first, so the inherited ones come after them,
     * just before {@code -h} and {@code -V}.
     */
    private static final class OwnOptionsFirst extends CommandLine.Help {

        OwnOptionsFirst(CommandSpec command, ColorScheme colors) {
            super(command, colors);
        }

        @Override
        public Comparator<OptionSpec> createDefaultOptionSort() {
            Comparator<OptionSpec> declared = super.createDefaultOptionSort();
            if (declared != null || !(commandSpec().userObject() instanceof CoilsightCommand)) {
                return declared; // sorted by name or by explicit order, or nothing inherited
            }
            Set<String> inherited = commandSpec().mixins().get(CoilsightCommand.LOGGING_MIXIN).options().stream()
                    .map(OptionSpec::longestName).collect(Collectors.toSet());
            return Comparator.comparingInt(option -> place(option, inherited)); // a stable sort: each group keeps its order
        }

        /** 0: the command's own option, 1: an inherited one, 2: {@code -h} and {@code -V}, which picocli adds last. */
        private static int place(OptionSpec option, Set<String> inherited) {
            if (option.usageHelp() || option.versionHelp()) {
                return 2;
            }
            return inherited.contains(option.longestName()) ? 1 : 0;
        }
    }
}
