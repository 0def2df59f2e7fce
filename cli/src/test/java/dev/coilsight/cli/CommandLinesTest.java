package dev.coilsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The command line every command gets: errors named after the command, its version, its default log file. */
class CommandLinesTest {

    @Command(name = "tool", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class, subcommands = Sub.class)
    static final class Tool implements Callable<Integer> {
        @Option(names = "--fail")
        String fail;

        @Override
        public Integer call() {
            if ("state".equals(fail)) {
                throw new IllegalStateException("busy");
            }
            if ("io".equals(fail)) {
                throw new UncheckedIOException("port 8090 is in use", new IOException("Address already in use"));
            }
            throw new IllegalArgumentException("--fail is " + fail);
        }
    }

    @Command(name = "sub")
    static final class Sub implements Callable<Integer> {
        @Mixin
        LoggingOptions logging;

        Path logFile;

        @Override
        public Integer call() {
            logFile = logging.apply();
            return 0;
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine cli, String... args) {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void badInputIsOneLineNamedAfterTheCommand() {
        assertThat(run(CommandLines.create(new Tool()), "--fail", "x")).isEqualTo(CommandLines.BAD_INPUT);
        assertThat(err.toString()).isEqualTo("tool: --fail is x" + System.lineSeparator());
        assertThat(run(CommandLines.create(new Tool()), "--nope")).isEqualTo(CommandLines.BAD_INPUT);
        assertThat(err.toString()).endsWith("tool: Unknown option: '--nope' (see tool --help)" + System.lineSeparator());
    }

    @Test
    void anIoFailureIsBadInputAndAnyOtherExceptionABug() {
        assertThat(run(CommandLines.create(new Tool()), "--fail", "io")).isEqualTo(CommandLines.BAD_INPUT);
        assertThat(err.toString()).isEqualTo("tool: port 8090 is in use" + System.lineSeparator());
        // A bug: picocli's own report, with the stack trace, and exit code 1.
        assertThat(run(CommandLines.create(new Tool()), "--fail", "state")).isEqualTo(1);
        assertThat(err.toString()).contains("java.lang.IllegalStateException: busy").contains("\tat ");
    }

    @Test
    void theVersionNamesTheCommandAndADevelopmentBuild() {
        assertThat(run(CommandLines.create(new Tool()), "--version")).isZero();
        assertThat(out.toString().strip()).isEqualTo("coilsight tool (development build)");
    }

    @Test
    void aSubcommandLogsToAFileNamedAfterItAndItsParent(@TempDir Path dir) {
        String root = System.getProperty("coilsight.root");
        System.setProperty("coilsight.root", dir.toString());
        try {
            CommandLine cli = CommandLines.create(new Tool());
            assertThat(run(cli, "sub")).isZero();
            Sub sub = cli.getSubcommands().get("sub").getCommand();
            assertThat(sub.logFile).isEqualTo(dir.resolve(".coilsight/logs/tool-sub.log"));
        } finally {
            if (root == null) {
                System.clearProperty("coilsight.root");
            } else {
                System.setProperty("coilsight.root", root);
            }
        }
    }
}
