package dev.coilsight.trainer.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/** The files a training run leaves beside its checkpoints: which images it validated on, and the commands that shaped it. */
final class RunFiles {

    static final String VALIDATION_IDS = "validation-ids.txt";
    static final String HELD_OUT_IDS = "held-out-ids.txt";
    static final String COMMANDS = "commands.txt";

    private RunFiles() {
    }

    static void writeIds(Path file, List<String> ids) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ids);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * {@code command} appended to the run's history, which it returns joined with {@code &&}: a run resumed with other
     * options (say a lower --lr after a plateau) keeps every command that shaped it. A fresh run starts a new history.
     */
    static String commandHistory(Path run, String command, boolean resumed) {
        try {
            Files.createDirectories(run);
            Path file = run.resolve(COMMANDS);
            if (!resumed) {
                Files.deleteIfExists(file);
            }
            Files.writeString(file, command + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return String.join(" && ", Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the command in " + run, e);
        }
    }

    /** The model directory keeps its learning curve and log: the card points at how it was made. */
    static void copyIfPresent(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    /** When the run's model was made, for its card. */
    static String timestamp() {
        return Instant.now().toString();
    }
}
