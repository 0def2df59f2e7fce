package dev.coilsight.ingest.drop;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.coilsight.serviceruntime.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drop-folder watcher's health and its complaints. Trouble that is not a file's own (a ledger that cannot be
 * written, a full disk, an earlier send that cannot be looked up) makes the pass unhealthy and is logged once while
 * it stays the same; a path the watcher will not use (a link, a folder that is no coil id) is warned about once.
 */
final class DropTrouble {

    private static final Logger log = LoggerFactory.getLogger(DropTrouble.class);
    /** Trouble that lasts is logged again after this long, not at every pass. */
    private static final long TROUBLE_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Set<Path> warned = new HashSet<>();
    /** Files that wait for a send or a lookup to succeed: each keeps the watcher unhealthy until it is released. */
    private final Map<Path, String> held = new HashMap<>();
    private volatile boolean healthy = true;
    private boolean troubleThisPass;
    private String lastTrouble;
    private long lastTroubleLoggedAt;

    /** A pass over the root begins: no trouble met yet. */
    void passStarted() {
        troubleThisPass = false;
    }

    /** The pass is over: healthy unless it met trouble or a file is held by some. */
    void passEnded() {
        healthy = !troubleThisPass && held.isEmpty();
    }

    /**
     * The file waits for trouble that is not its own to pass (a broker or registry refusing, a lookup failing): the
     * watcher stays unhealthy on every pass until the file is released, also on those that do not try it again.
     */
    void holding(Path file, String message) {
        held.put(file, message);
        trouble(message);
    }

    /** The file was published, set aside or is gone: it holds nothing any more. */
    void released(Path file) {
        held.remove(file);
    }

    /** Releases the held files that are gone from their folder. */
    void releaseVanished() {
        held.keySet().removeIf(path -> !java.nio.file.Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /** False while the last pass met trouble; read from any thread. */
    boolean healthy() {
        return healthy;
    }

    /** Marks this pass unhealthy and logs the cause, once while it stays the same (at most every 30 s). */
    void trouble(String message) {
        troubleThisPass = true;
        long now = System.nanoTime();
        if (!message.equals(lastTrouble) || now - lastTroubleLoggedAt > TROUBLE_LOG_NANOS) {
            log.warn(shown(message));
            lastTrouble = message;
            lastTroubleLoggedAt = now;
        }
    }

    /** Logs a path that the watcher will not use, the first time only: it is met again at every pass. */
    void warnOnce(Path path, String message) {
        if (warned.add(path)) {
            log.warn(shown(message));
        }
    }

    /**
     * Text with file and folder names for a log line: names come from whoever writes to the share, and a line break in one
     * (allowed on Linux) would start a forged log line.
     */
    static String shown(Object text) {
        return Env.logSafe(String.valueOf(text), 2000);
    }
}
