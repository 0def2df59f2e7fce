package dev.coilsight.testsupport;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** One run of a command as {@code ./coilsight} runs it: its exit code and what it wrote to stdout and stderr. */
public record CommandRun(int exitCode, String out, String err) {

    public static CommandRun of(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
