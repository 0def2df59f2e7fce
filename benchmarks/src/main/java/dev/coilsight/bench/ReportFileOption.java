package dev.coilsight.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import picocli.CommandLine.Option;

/** {@code --out}: a file that collects the JSON report of every run, one line each (a picocli mixin). */
public final class ReportFileOption {

    @Option(names = "--out", paramLabel = "FILE", description = "Also append the JSON object to this file (one line per run).")
    Path file;

    /** Appends {@code reportJson} on one line to --out, when given. */
    public void append(String reportJson) throws IOException {
        if (file != null) {
            Files.writeString(file, reportJson.replaceAll("\\s*\\n\\s*", " ") + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }
}
