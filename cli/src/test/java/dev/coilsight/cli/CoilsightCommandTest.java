package dev.coilsight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.testsupport.CommandRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What a command gets from its base: the log file in place before its work, its output, its exit code, its help. */
class CoilsightCommandTest {

    @Command(name = "job", mixinStandardHelpOptions = true, sortOptions = false)
    static final class Job extends CoilsightCommand {
        @Option(names = "--size", description = "How big.")
        int size;

        @Option(names = "--again", description = "Once more.")
        boolean again;

        @Option(names = "--registry-url", description = "Where the contracts are.")
        String registryUrl;

        @Option(names = "--out-dir", defaultValue = "reports", description = "Where the report goes.")
        Path outDir;

        boolean logFileExistedAtRun;

        @Override
        protected int run() {
            if (size < 0) {
                throw badOption("--size must be >= 0, got " + size);
            }
            Path logFile = spec().findOption("--log-file").getValue();
            logFileExistedAtRun = Files.exists(logFile);
            stdout().print("size " + size);
            stderr().print("done");
            return 3;
        }
    }

    @Test
    void theLogLinesGoToTheFileBeforeTheCommandRunsAndItsExitCodeIsTheCommands(@TempDir Path dir) {
        Job job = new Job();
        CommandRun run = CommandRun.of(CommandLines.create(job), "--size", "5", "--log-file", dir.resolve("job.log").toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(job.logFileExistedAtRun).isTrue();
        assertThat(run.out()).isEqualTo("size 5");
        assertThat(run.err()).isEqualTo("done");
    }

    @Test
    void aReportRecordsEveryOwnOptionWithItsDefaultsAndNoPassword(@TempDir Path dir) {
        Job job = new Job();
        CommandRun run = CommandRun.of(CommandLines.create(job), "--size", "5", "--registry-url", "https://quality:s3cret@registry:8081",
                "--log-file", dir.resolve("job.log").toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(job.optionValues()).containsExactly(Map.entry("size", 5), Map.entry("again", false),
                Map.entry("registryUrl", "https://***@registry:8081"), Map.entry("outDir", "reports"));
    }

    @Test
    void aBadOptionValueIsOneLineAndExitCode2(@TempDir Path dir) {
        CommandRun run = CommandRun.of(CommandLines.create(new Job()), "--size", "-1", "--log-file", dir.resolve("job.log").toString());
        assertThat(run.exitCode()).isEqualTo(CommandLines.BAD_INPUT);
        assertThat(run.err()).isEqualTo("job: --size must be >= 0, got -1 (see job --help)" + System.lineSeparator());
    }

    @Test
    void theHelpListsTheCommandsOwnOptionsFirstThenTheLoggingOnesThenHelpAndVersion() {
        CommandRun run = CommandRun.of(CommandLines.create(new Job()), "--help");
        assertThat(run.exitCode()).isZero();
        List<String> options = run.out().lines().map(String::strip).filter(line -> line.startsWith("-"))
                .map(line -> line.split(" ")[0]).toList();
        assertThat(options).containsExactly("--size=<size>", "--again", "--registry-url=<registryUrl>",
                "--out-dir=<outDir>", "--verbose", "--log-file=FILE", "-h,", "-V,");
    }
}
