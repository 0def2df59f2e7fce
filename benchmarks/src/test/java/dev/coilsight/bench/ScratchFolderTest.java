package dev.coilsight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.testsupport.ChildJvm;

class ScratchFolderTest {

    @TempDir
    Path dir;

    /** A bench stopped before it closes its scratch folder: what Ctrl-C does to a run. */
    public static void main(String[] args) throws Exception {
        ScratchFolder scratch = ScratchFolder.create("coilsight-scratch-test-");
        Files.writeString(scratch.resolve("broker.log"), "x".repeat(1000));
        Files.writeString(Path.of(args[0]), scratch.resolve("").toString());
        System.exit(130);
    }

    @Test
    void aRunStoppedBeforeItClosesItsScratchFolderLeavesNoFolderBehind() throws Exception {
        Path named = dir.resolve("scratch-path.txt");
        Process child = ChildJvm.start(ScratchFolderTest.class, List.of(), List.of(named.toString()), Map.of(), dir.resolve("child.log"));

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(130);
        Path scratch = Path.of(Files.readString(named));
        assertThat(scratch.getFileName().toString()).startsWith("coilsight-scratch-test-");
        assertThat(scratch).doesNotExist();
    }

    @Test
    void closingDeletesTheFolderAndEverythingInIt() throws Exception {
        ScratchFolder scratch = ScratchFolder.create("coilsight-scratch-test-");
        Path file = scratch.resolve("a/b.log");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");

        scratch.close();

        assertThat(file.getParent().getParent()).doesNotExist();
    }
}
