package dev.coilsight.trainer.predict;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The file a command writes its result to: checked before the work starts, and written whole or not at all (into a
 * temporary file beside it, then moved over it), so that a failure never leaves it truncated.
 */
final class OutputFile {

    /** Writes the content of the file. */
    interface Content {
        void writeTo(Writer writer) throws IOException;
    }

    private OutputFile() {
    }

    /**
     * Why {@code file} cannot be written, on one line naming it as {@code option}, or empty when it can. Missing
     * folders above it are created, as predict always did.
     */
    static Optional<String> problem(String option, Path file) {
        Path target = target(file);
        if (Files.isDirectory(target)) {
            return Optional.of(option + " " + file + " is a folder, not a file");
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            return Optional.of(option + " " + file + " is read-only");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            return Optional.empty(); // a device or a pipe: written in place
        }
        Path folder = target.getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            return Optional.of(option + " " + file + ": cannot create its folder " + folder + ": " + e);
        }
        if (!Files.isWritable(folder)) {
            return Optional.of(option + " " + file + ": its folder " + folder + " is not writable");
        }
        return Optional.empty();
    }

    /** Writes {@code file} whole: the old content stays until the new one is complete. */
    static void write(Path file, Content content) throws IOException {
        Path target = target(file);
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            // /dev/null or a FIFO cannot be replaced, only written to.
            try (Writer writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                content.writeTo(writer);
            }
            return;
        }
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".partial");
        try {
            // CREATE_NEW rather than Files.createTempFile, whose 0600 mode the result would keep.
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(writer);
            }
            moveIntoPlace(temporary, target);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException notDeleted) {
                e.addSuppressed(notDeleted);
            }
            throw e;
        }
    }

    private static void moveIntoPlace(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The file itself, or the one a symbolic link names: the link stays, its target gets the content. */
    private static Path target(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            return Files.isSymbolicLink(absolute) && Files.exists(absolute) ? absolute.toRealPath() : absolute;
        } catch (IOException e) {
            return absolute;
        }
    }
}
