package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * A drop root opened for one watcher: its path, its real path (what files must resolve into), the lock that keeps
 * every other watcher off it and its ledger, both in {@code <root>/.coilsight/}.
 */
final class DropRoot implements AutoCloseable {

    private final Path path;
    private final Path realPath;
    private final RootLock lock;
    private final DropLedger ledger;

    private DropRoot(Path path, Path realPath, RootLock lock, DropLedger ledger) {
        this.path = path;
        this.realPath = realPath;
        this.lock = lock;
        this.ledger = ledger;
    }

    /**
     * Locks the root, then opens its ledger.
     *
     * @throws IllegalStateException when another watcher, here or in another process, has the root
     * @throws UncheckedIOException when the root or its ledger cannot be used
     */
    static DropRoot open(Path root) {
        Path path = root.toAbsolutePath().normalize();
        Path realPath;
        try {
            Files.createDirectories(path.resolve(".coilsight"));
            realPath = path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use drop root " + root + ": " + e.getMessage(), e);
        }
        RootLock lock = RootLock.acquire(realPath);
        try {
            DropLedger ledger = new DropLedger(realPath.resolve(".coilsight").resolve("ledger.log"),
                    key -> stillDropped(realPath, key), DropLedger.COMPACT_AFTER_LINES);
            return new DropRoot(path, realPath, lock, ledger);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Whether the file version a ledger key names is still on disk: in its coil's folder (a crash between the
     * ledger line and the move), or in its done/ or failed/ (moved back, the same version is known and not
     * sent again). Once removed from there too, the ledger may forget it.
     */
    private static boolean stillDropped(Path realRoot, String key) {
        FileVersion version = FileVersion.ofKey(key).orElse(null);
        if (version == null) {
            return false;
        }
        Path coil = realRoot.resolve(version.coilId());
        String name = version.name();
        for (Path file : List.of(coil.resolve(name), coil.resolve(DropFolders.DONE).resolve(name),
                coil.resolve(DropFolders.FAILED).resolve(name))) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && a.size() == version.size() && a.lastModifiedTime().toMillis() == version.modified()) {
                    return true;
                }
            } catch (IOException e) {
                // not there
            }
        }
        return false;
    }

    /** The root as given, absolute and normalized: the folder that is scanned. */
    Path path() {
        return path;
    }

    /** The root with every link resolved: a file whose real path is not under it lies outside the root. */
    Path realPath() {
        return realPath;
    }

    DropLedger ledger() {
        return ledger;
    }

    /** Closes the ledger, then frees the root for another watcher. */
    @Override
    public void close() {
        ledger.close();
        lock.close();
    }
}
