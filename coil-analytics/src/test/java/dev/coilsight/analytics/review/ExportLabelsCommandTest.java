package dev.coilsight.analytics.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.embedded.Ports;
import dev.coilsight.testsupport.CommandRun;

class ExportLabelsCommandTest {

    @TempDir
    Path dir;

    @Test
    void reviewsThatCannotBeReadAreExitCodeTwoWithOneLineNamingTheBroker() {
        String nobody = "127.0.0.1:" + Ports.free();
        CommandRun run = CommandRun.of(CommandLines.create(new ExportLabelsCommand()), "--out", dir.resolve("labels").toString(),
                "--bootstrap-servers", nobody, "--timeout", "2");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("export-labels: ").contains("could not be read").contains(nobody).doesNotContain("\tat ");
    }
}
