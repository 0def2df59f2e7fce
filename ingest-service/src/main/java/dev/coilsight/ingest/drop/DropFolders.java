package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a coil's files into its {@code done/} and {@code failed/} folders and writes the error notes beside
 * the failed ones, never through a symbolic link planted in their place and never over another file.
 */
final class DropFolders {

    private static final Logger log = LoggerFactory.getLogger(DropFolders.class);
    static final String DONE = "done";
    static final String FAILED = "failed";

    /** Told once per path that cannot be used (a link where a folder belongs). */
    private final BiConsumer<Path, String> warnOnce;

    DropFolders(BiConsumer<Path, String> warnOnce) {
        this.warnOnce = warnOnce;
    }

    /** Moves a file (or a link itself) into its coil's done/ or failed/ folder; null when it could not. */
    Path moveTo(Path file, String folder) {
        try {
            Path dir = file.getParent().resolve(folder);
            if (Files.isSymbolicLink(dir)) {
                // A link planted as done/ or failed/ would carry the camera's files wherever it points.
                warnOnce.accept(dir, "not moving files into " + dir + ": it is a symbolic link; make it a folder");
                return null;
            }
            Files.createDirectories(dir);
            Path target = dir.resolve(file.getFileName());
            for (int i = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); i++) {
                target = dir.resolve(file.getFileName() + "." + i);
            }
            return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot move {} to {}/: {}", DropTrouble.shown(file), folder, DropTrouble.shown(e.getMessage()));
            return null;
        }
    }

    /** Moves the file to failed/ with a {@code .error.txt} note beside it that gives the reason. */
    void fail(Path file, String reason) {
        Path moved = moveTo(file, FAILED);
        if (moved == null) {
            return;
        }
        Path note = moved.resolveSibling(moved.getFileName() + ".error.txt");
        // CREATE_NEW: never through a link planted under the note's name, never over another file.
        try (var out = Files.newByteChannel(note, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS))) {
            out.write(ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            log.warn("cannot write the error note {}: {}", DropTrouble.shown(note), DropTrouble.shown(e));
        }
    }
}
