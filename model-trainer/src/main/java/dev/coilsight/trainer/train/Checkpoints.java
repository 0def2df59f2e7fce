package dev.coilsight.trainer.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.coilsight.cli.Folders;

/**
 * A run's checkpoints: one folder per epoch kept ({@code checkpoints/epoch-N/ckpt}). {@code state.json}, written
 * atomically after an epoch's checkpoint, says which epoch is the last and which the best, and only then are the
 * folders it no longer names deleted: a run killed between two writes resumes from a last and a best checkpoint that
 * belong to its state, never from weights one epoch ahead of it or a best half overwritten.
 */
final class Checkpoints {

    private static final String DIR = "checkpoints";
    private static final String EPOCH = "epoch-";

    private Checkpoints() {
    }

    /** The checkpoint to write for this epoch, any leftover of an interrupted attempt at it removed. */
    static Path fresh(Path runDir, int epoch) {
        Path prefix = of(runDir, epoch);
        try {
            Folders.deleteTree(prefix.getParent());
            Files.createDirectories(prefix.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the checkpoint folder " + prefix.getParent(), e);
        }
        return prefix;
    }

    static Path last(Path runDir, RunState state) {
        return existing(runDir, state.epoch(), "last");
    }

    /** The best epoch's checkpoint of the run in {@code runDir}, as its state names it. */
    static Path best(Path runDir, RunState state) {
        return existing(runDir, state.bestEpoch(), "best");
    }

    /** Deletes the epochs' folders the state no longer names. */
    static void prune(Path runDir, RunState state) {
        Set<String> kept = new HashSet<>(List.of(EPOCH + state.epoch(), EPOCH + state.bestEpoch()));
        try (Stream<Path> folders = Files.list(runDir.resolve(DIR))) {
            for (Path folder : folders.toList()) {
                String name = folder.getFileName().toString();
                if (name.startsWith(EPOCH) && !kept.contains(name)) {
                    Folders.deleteTree(folder);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete old checkpoints in " + runDir.resolve(DIR), e);
        }
    }

    private static Path of(Path runDir, int epoch) {
        return runDir.resolve(DIR).resolve(EPOCH + epoch).resolve("ckpt");
    }

    /** A run written before checkpoints were kept per epoch has {@code checkpoints/last} and {@code checkpoints/best}. */
    private static Path existing(Path runDir, int epoch, String earlierLayout) {
        Path prefix = of(runDir, epoch);
        Path earlier = runDir.resolve(DIR).resolve(earlierLayout).resolve("ckpt");
        return Files.exists(prefix.resolveSibling("ckpt.index")) || !Files.exists(earlier.resolveSibling("ckpt.index")) ? prefix : earlier;
    }
}
