package dev.coilsight.serviceruntime;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.config.Env;

/**
 * {@code --help} for the long-running services, which take no options (they are configured by
 * {@code COILSIGHT_*} variables, as containers are): the summary and every variable the service reads,
 * with its default, taken from the configuration code itself.
 */
public final class ServiceHelp {

    private static final Logger log = LoggerFactory.getLogger(ServiceHelp.class);

    /** The exit code of bad input, as for every {@code ./coilsight} command. */
    static final int BAD_INPUT = 2;

    private ServiceHelp() {
    }

    /**
     * Whether {@code args} were handled here: {@code --help} prints the help (then the caller returns, exit 0);
     * any other argument is an error (exit 2); no argument means run the service.
     *
     * @param readSettings reads the service's settings from an Env (what it reads is recorded)
     * @param placeholders values the settings need in order to be read through (a required token)
     */
    public static boolean handled(String[] args, String name, String summary, String docs, Consumer<Env> readSettings,
                                  Map<String, String> placeholders) {
        if (args.length == 0) {
            return false;
        }
        if (args.length > 1 || !(args[0].equals("--help") || args[0].equals("-h"))) {
            System.err.println(name + ": takes no arguments, only COILSIGHT_* environment variables (see ./coilsight " + name + " --help)");
            System.exit(BAD_INPUT);
        }
        Env env = new Env(placeholders);
        try {
            readSettings.accept(env);
        } catch (IllegalArgumentException e) {
            // The settings read before the refusal are listed all the same.
        }
        print(System.out, name, summary, docs, env.reads());
        return true;
    }

    /**
     * A service's settings for its start, read once from the environment: empty when {@code args} asked for the help
     * (printed; the caller returns); a setting that cannot be used is one line on stderr and exit 2; otherwise every
     * variable read is logged with the value in effect, secrets masked ({@link Env#inEffect()}).
     *
     * @param read reads every setting the service has from the environment
     */
    public static <T> Optional<T> settingsOrExit(String[] args, String name, String summary, String docs, Function<Env, T> read,
                                                 Map<String, String> placeholders) {
        if (handled(args, name, summary, docs, read::apply, placeholders)) {
            return Optional.empty();
        }
        Env env = Env.system();
        T settings;
        try {
            settings = read.apply(env);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(BAD_INPUT);
            return Optional.empty();
        }
        env.inEffect().forEach((variable, value) -> log.info("config {}={}", variable, value));
        return Optional.of(settings);
    }

    static void print(PrintStream out, String name, String summary, String docs, Map<String, String> reads) {
        out.println("Usage: ./coilsight " + name + "    (no options: configured by environment variables)");
        out.println();
        out.println(summary);
        out.println();
        out.println("Environment (default):");
        int width = reads.keySet().stream().mapToInt(String::length).max().orElse(0);
        reads.forEach((variable, value) -> out.printf("  %-" + width + "s  %s%n", variable, value == null ? "(none)" : value));
        out.println();
        out.println("Each setting is explained in " + docs + "; the values in effect are logged at start, secrets masked.");
        out.flush();
    }
}
