package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One watcher per drop root: within this JVM by the root's real path, across processes by a lock on
 * {@code .coilsight/lock}. Two watchers on one root would publish the same files twice.
 */
final class RootLock implements AutoCloseable {

    /** Drop roots (real paths) watched by this JVM. */
    private static final Set<Path> WATCHED_ROOTS = ConcurrentHashMap.newKeySet();

    private final Path realRoot;
    private final FileChannel channel;
    private final FileLock lock;

    private RootLock(Path realRoot, FileChannel channel, FileLock lock) {
        this.realRoot = realRoot;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param realRoot the root's real path, with its {@code .coilsight} folder
     * @throws IllegalStateException when another watcher, here or in another process, has the root
     */
    static RootLock acquire(Path realRoot) {
        // Checked before the lock file is opened: POSIX drops a process's lock on a file when ANY of its
        // descriptors of that file is closed, so a second watcher in this JVM must not even open it.
        if (!WATCHED_ROOTS.add(realRoot)) {
            throw new IllegalStateException("another watcher in this process watches " + realRoot + ": one watcher per drop root");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(realRoot.resolve(".coilsight").resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held = channel.tryLock();
            if (held == null) {
                throw new IllegalStateException("another process holds " + realRoot.resolve(".coilsight/lock") + ": one watcher per drop root");
            }
            return new RootLock(realRoot, channel, held);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                closeQuietly(channel); // releases the lock too
            }
            WATCHED_ROOTS.remove(realRoot);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock the drop root " + realRoot + ": " + e.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
        WATCHED_ROOTS.remove(realRoot);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
