package dev.coilsight.cli;

import java.util.Arrays;

import picocli.CommandLine.Command;

/**
 * The one {@code main} of every {@code ./coilsight} command: {@code CommandMain <command class> [options]} builds
 * the named picocli command with its no-argument constructor and runs it as {@link CommandLines} sets it up, so
 * each command is only its options and its work. Services have their own {@code main}.
 */
public final class CommandMain {

    private CommandMain() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        if (args.length == 0) {
            System.err.println("usage: CommandMain <picocli command class> [options]");
            System.exit(CommandLines.BAD_INPUT);
        }
        Class<?> type = Class.forName(args[0]);
        if (!type.isAnnotationPresent(Command.class)) {
            System.err.println("CommandMain: " + type.getName() + " is not a picocli @Command");
            System.exit(CommandLines.BAD_INPUT);
        }
        Object command = type.getDeclaredConstructor().newInstance();
        // Headless, as under the launcher: charts and images are drawn off-screen also when started without it.
        System.setProperty("java.awt.headless", "true");
        System.exit(CommandLines.create(command).execute(Arrays.copyOfRange(args, 1, args.length)));
    }
}
