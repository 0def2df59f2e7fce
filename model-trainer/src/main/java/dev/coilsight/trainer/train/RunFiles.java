package dev.coilsight.trainer.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

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
     * Refuses to start a run where one has finished an epoch (here or in a fold's folder): its log, checkpoints and state
     * would be mixed with the new run's, and a later --resume would go on from the earlier run.
     */
    static void requireNoEarlierRun(Path runDir) {
        try (Stream<Path> files = Files.exists(runDir) ? Files.walk(runDir, 2) : Stream.empty()) {
            files.filter(f -> f.getFileName().toString().equals(RunState.FILE)).findFirst().ifPresent(state -> {
                throw new IllegalArgumentException(runDir + " holds a run already (" + runDir.relativize(state) + "): continue it with "
                        + "--resume, or give another --run-dir");
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir, e);
        }
    }

    /**
     * A resumed run must hold aside the images it held aside when it started: with others its best figure and the
     * thresholds later tuned on those images would be measured partly on images it trained on.
     */
    static void requireSameIds(Path file, List<String> ids) {
        try {
            if (Files.exists(file) && !Files.readAllLines(file).equals(ids)) {
                throw new IllegalArgumentException("the run was started holding aside other images than these options give ("
                        + file + "): resume it with the --split, --val-fraction, --val-split, --folds and --seed that started it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
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
