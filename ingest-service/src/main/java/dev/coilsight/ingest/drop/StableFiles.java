package dev.coilsight.ingest.drop;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells when a dropped file is complete: once its size and modification time have not changed for the stable
 * period, both by this process's clock (since it first saw them) and by the file's own time stamp (unless that lies
 * in the future).
 */
final class StableFiles {

    /** A file's size and modification time, and since when this process has seen them unchanged. */
    private record Seen(long size, long modified, long sinceNanos) {
    }

    private final Duration stable;
    private final Map<Path, Seen> seen = new HashMap<>();

    StableFiles(Duration stable) {
        this.stable = stable;
    }

    /** Whether the file has kept this size and modification time for the stable period; a change starts the wait again. */
    boolean stable(Path file, long size, long modified) {
        long now = System.nanoTime();
        Seen previous = seen.get(file);
        if (previous == null || previous.size() != size || previous.modified() != modified) {
            seen.put(file, new Seen(size, modified, now));
            return false;
        }
        long nowMillis = System.currentTimeMillis();
        // A time stamp in the future (a writer whose clock is ahead) cannot age: the wait this process saw is what counts.
        return now - previous.sinceNanos() >= stable.toNanos() && (modified > nowMillis || nowMillis - modified >= stable.toMillis());
    }

    /** The file was offered for publishing: should it still be there (a send to retry), it waits the stable period again. */
    void taken(Path file) {
        seen.remove(file);
    }

    /** Forgets the files that are gone from the folder, so that what is remembered stays bounded by what is there. */
    void forgetVanished() {
        seen.keySet().removeIf(path -> !Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    }
}
