package dev.coilsight.ingest.drop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;

/**
 * Publishes camera files dropped as {@code <root>/<coilId>/<file>}, each complete file exactly once,
 * even across restarts (see {@link DropLedger}). A file is taken once its size and modification time
 * have not changed for the stable period; names that mark a file still being written ({@code .*},
 * {@code *.tmp}, {@code *.part}, {@code *.partial}) wait for their rename. Published files move to
 * {@code <coilId>/done/}, refused ones to {@code <coilId>/failed/} with a {@code .error.txt} saying why.
 * Symbolic links and anything resolving outside the root are refused. One watcher per root (a lock file).
 *
 * <p>This class runs the passes on a thread of its own and reports their health: {@link DropScanner} makes one
 * pass, {@link StableFiles} tells when a file is complete, {@link DropPublisher} publishes it through the ledger.
 */
public final class DropFolderWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DropFolderWatcher.class);
    static final String DONE = DropFolders.DONE;
    static final String FAILED = DropFolders.FAILED;

    /** A point where tests simulate a crash; production passes {@link #NO_CRASH}. */
    interface CrashPoints {
        void afterPending(Path file);

        void afterAck(Path file);
    }

    static final CrashPoints NO_CRASH = new CrashPoints() {
        @Override
        public void afterPending(Path file) {
        }

        @Override
        public void afterAck(Path file) {
        }
    };

    /**
     * How the watcher works: the camera id of its files, how long a file must stay unchanged, how often the root is
     * scanned, and how long a PENDING file whose send can be neither confirmed nor denied is retried before it is set aside.
     */
    /** @param maxClockSkew how far in the future a file's modification time (its capture time) may lie */
    public record Settings(String cameraId, Duration stable, Duration poll, Duration pendingTimeout, Duration maxClockSkew) {
        public Settings {
            if (stable.isNegative() || poll.isZero() || poll.isNegative() || pendingTimeout.isNegative() || maxClockSkew.isNegative()) {
                throw new IllegalArgumentException("drop folder durations must be positive: stable " + stable + ", poll " + poll
                        + ", pending timeout " + pendingTimeout + ", clock skew " + maxClockSkew);
            }
        }

        /** How long a truncated file written to lately waits for its rest: ten stable periods, at least 30 s. */
        Duration incompleteGrace() {
            Duration tenStable = stable.multipliedBy(10);
            return tenStable.compareTo(Duration.ofSeconds(30)) > 0 ? tenStable : Duration.ofSeconds(30);
        }
    }

    private final Settings settings;
    private final DropTrouble trouble = new DropTrouble();
    private final DropRoot root;
    private final DropScanner scanner;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "drop-folder");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes the root for this watcher (see {@link DropRoot#open}); nothing is scanned before {@link #start()}.
     *
     * @throws IllegalStateException when another watcher, here or in another process, watches the root
     */
    public DropFolderWatcher(Path root, ImageEvents events, ImagePublisher publisher, IngestMetrics metrics, Settings settings) {
        this(root, events, publisher, metrics, settings, NO_CRASH);
    }

    DropFolderWatcher(Path root, ImageEvents events, ImagePublisher publisher, IngestMetrics metrics, Settings settings,
                      CrashPoints crashPoints) {
        this.settings = settings;
        this.root = DropRoot.open(root);
        DropPublisher publishing = new DropPublisher(this.root.ledger(), events, publisher, metrics, settings, crashPoints, trouble);
        this.scanner = new DropScanner(this.root, new StableFiles(settings.stable()), publishing, trouble);
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::scanSafely, 0, settings.poll().toMillis(), TimeUnit.MILLISECONDS);
        log.info("watching drop folder {} (stable after {} ms)", root.path(), settings.stable().toMillis());
    }

    /**
     * False while the last pass could not handle a file for a reason that is not the file's (the ledger cannot be
     * written, a disk is full, an earlier send cannot be looked up): it is tried again at every pass.
     */
    public boolean healthy() {
        return trouble.healthy();
    }

    private void scanSafely() {
        trouble.passStarted();
        try {
            scanner.scan();
        } catch (RuntimeException | Error e) {
            // Thrown out of here, any failure would cancel the scans for good while /ready still said ready.
            trouble.trouble("drop folder scan failed, retrying in " + settings.poll().toMillis() + " ms: " + e);
        }
        trouble.passEnded();
    }

    /** Makes the scan in progress end after the file at hand; {@link #close()} calls it first. */
    void stopScanning() {
        scanner.stop();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopScanning();
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        root.close();
    }
}
