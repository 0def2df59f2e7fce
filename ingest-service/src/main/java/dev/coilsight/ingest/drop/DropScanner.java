package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import dev.coilsight.ingest.publish.ImageMetadata;

/**
 * One pass over a drop root: finds the files in {@code <root>/<coilId>/} that have become stable and hands them to
 * the {@link DropPublisher}. Names that mark a file still being written wait for their rename; symbolic links and
 * files that resolve outside the root are refused; folders that are no coil id are warned about and left alone.
 */
final class DropScanner {

    private final DropRoot root;
    private final StableFiles stableFiles;
    private final DropPublisher publisher;
    private final DropTrouble trouble;
    /** Files offered for publishing that stay to be tried again: each holds its coil's later files. */
    private final Set<Path> waiting = new HashSet<>();
    private volatile boolean stopping;

    DropScanner(DropRoot root, StableFiles stableFiles, DropPublisher publisher, DropTrouble trouble) {
        this.root = root;
        this.stableFiles = stableFiles;
        this.publisher = publisher;
        this.trouble = trouble;
    }

    /** One pass over the root: publish every file that has become stable. */
    void scan() {
        for (Path coilDir : list(root.path())) {
            if (stopping) {
                return;
            }
            String coilId = coilDir.getFileName().toString();
            if (coilId.startsWith(".")) {
                continue;
            }
            if (Files.isSymbolicLink(coilDir)) {
                trouble.warnOnce(coilDir, "refusing symbolic link " + coilDir + " in the drop root");
                continue;
            }
            if (!Files.isDirectory(coilDir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!ImageMetadata.isValidId(coilId)) {
                trouble.warnOnce(coilDir, "ignoring folder " + coilDir + ": not a valid coil id");
                continue;
            }
            for (Path file : list(coilDir)) {
                if (stopping) {
                    return; // stopped between two files: the rest wait for the next run
                }
                try {
                    if (!consider(coilId, file)) {
                        break; // this file is tried again later: the coil's later files wait, keeping their frame order
                    }
                } catch (RuntimeException e) {
                    // Not this file's fault (a ledger that cannot be written, a broker that does not answer): it stays where
                    // it is and holds its coil's later files; the other coils go on.
                    trouble.holding(file, "cannot handle " + file + " now, will retry: " + e.getMessage());
                    waiting.add(file);
                    break;
                }
            }
        }
        stableFiles.forgetVanished();
        waiting.removeIf(path -> !Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        trouble.releaseVanished();
    }

    /** Offers the file for publishing once it is stable; false when it stays to be tried again and the coil's later files wait. */
    private boolean consider(String coilId, Path file) {
        String name = file.getFileName().toString();
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) || inProgressName(name) || name.endsWith(".error.txt")
                || name.equals(DropFolders.DONE) || name.equals(DropFolders.FAILED)) {
            return true; // done/ or failed/ planted as a link is the watcher's own folder: warned about when a move meets it
        }
        if (Files.isSymbolicLink(file)) {
            publisher.refuse(coilId, file, "symbolic links are refused: drop the file itself");
            return true;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!file.toRealPath().startsWith(root.realPath())) {
                publisher.refuse(coilId, file, "path resolves outside the drop root");
                return true;
            }
        } catch (IOException e) {
            return true; // vanished or unreadable right now; looked at again next pass
        }
        if (!attributes.isRegularFile()) {
            return true;
        }
        long modified = attributes.lastModifiedTime().toMillis();
        if (!stableFiles.stable(file, attributes.size(), modified)) {
            // A file still growing does not hold the others (a writer may name its files in any order); one that was
            // offered and waits to be tried again goes on holding them while it waits the stable period again.
            return !waiting.contains(file);
        }
        boolean taken = publisher.publish(coilId, file, attributes.size(), modified);
        stableFiles.taken(file);
        if (taken) {
            waiting.remove(file);
            trouble.released(file);
        } else {
            waiting.add(file);
        }
        return taken;
    }

    /** Hidden names and the names that downloaders and copy tools give a file until it is complete. */
    static boolean inProgressName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.startsWith(".") || lower.endsWith(".tmp") || lower.endsWith(".part") || lower.endsWith(".partial")
                || lower.endsWith(".filepart") || lower.endsWith(".crdownload");
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Makes the pass in progress end after the file at hand, and any later pass before its first file. */
    void stop() {
        stopping = true;
    }
}
