package dev.coilsight.trainer.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAsItWasAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("out.csv"), "old\n");

        assertThatThrownBy(() -> OutputFile.write(file, writer -> {
            writer.write("half a file");
            throw new IllegalArgumentException("a row that cannot be written");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("a row that cannot be written");

        assertThat(Files.readString(file)).isEqualTo("old\n");
        assertThat(filesIn(dir)).containsExactly(file);
    }

    @Test
    void aCompleteWriteReplacesTheFileWhole(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("out.csv"), "old, and longer than the new content\n");

        OutputFile.write(file, writer -> writer.write("new\n"));

        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(filesIn(dir)).containsExactly(file);
    }

    @Test
    void aSymbolicLinkIsWrittenThroughNotReplaced(@TempDir Path dir) throws IOException {
        Path real = Files.writeString(dir.resolve("real.csv"), "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), real);

        OutputFile.write(link, writer -> writer.write("new\n"));

        assertThat(link).isSymbolicLink();
        assertThat(Files.readString(real)).isEqualTo("new\n");
    }

    @Test
    void whatCannotBeWrittenIsNamedBeforeAnyWork(@TempDir Path dir) throws IOException {
        assertThat(OutputFile.problem("--out", dir)).hasValueSatisfying(problem -> assertThat(problem)
                .isEqualTo("--out " + dir + " is a folder, not a file"));
        Path aFile = Files.writeString(dir.resolve("a-file"), "");
        assertThat(OutputFile.problem("--out", aFile.resolve("out.csv"))).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("--out " + aFile.resolve("out.csv") + ": cannot create its folder"));

        // Missing folders are created, as predict always did.
        assertThat(OutputFile.problem("--out", dir.resolve("new/sub/out.csv"))).isEmpty();
        assertThat(dir.resolve("new/sub")).isDirectory();
    }
}
