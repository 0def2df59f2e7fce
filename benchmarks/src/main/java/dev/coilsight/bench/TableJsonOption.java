package dev.coilsight.bench;

import java.io.PrintWriter;
import java.util.List;

import dev.coilsight.cli.JsonOrText;
import picocli.CommandLine.Option;

/** {@code --json} of the benches whose report is a table (a picocli mixin). */
public final class TableJsonOption {

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** Prints {@code reportJson} with --json, else {@code table}. */
    public void print(PrintWriter stdout, String reportJson, List<String> table) {
        JsonOrText.print(stdout, json, reportJson, table);
    }
}
