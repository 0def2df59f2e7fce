package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.publish.IngestRejection;
import dev.coilsight.schemas.ImageCaptured;

/**
 * Publishes camera files dropped as {@code <root>/<coilId>/<file>}, each complete file exactly once,
 * even across restarts (see {@link DropLedger}). A file is taken once its size and modification time
 * have not changed for the stable period; names that mark a file still being written ({@code .*},
 * {@code *.tmp}, {@code *.part}, {@code *.partial}) wait for their rename. Published files move to
 * {@code <coilId>/done/}, refused ones to {@code <coilId>/failed/} with a {@code .error.txt} saying why.
 * Symbolic links and anything resolving outside the root are refused. One watcher per root (a lock file).
 */
public final class DropFolderWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DropFolderWatcher.class);
    private static final Pattern COIL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String DONE = DropFolders.DONE;
    static final String FAILED = DropFolders.FAILED;
    /** Trouble that lasts is logged again after this long, not at every pass. */
    private static final long TROUBLE_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final String SOURCE = "drop";

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

    private record Seen(long size, long modified, long sinceNanos) {
    }

    /**
     * How the watcher works: the camera id of its files, how long a file must stay unchanged, how often the root is
     * scanned, and how long a PENDING file whose send can be neither confirmed nor denied is retried before it is set aside.
     */
    public record Settings(String cameraId, Duration stable, Duration poll, Duration pendingTimeout) {
        public Settings {
            if (stable.isNegative() || poll.isZero() || poll.isNegative() || pendingTimeout.isNegative()) {
                throw new IllegalArgumentException("drop folder durations must be positive: stable " + stable + ", poll " + poll
                        + ", pending timeout " + pendingTimeout);
            }
        }
    }

    private final Path root;
    private final Path realRoot;
    private final ImageEvents events;
    private final ImagePublisher publisher;
    private final IngestMetrics metrics;
    private final String cameraId;
    private final Duration stable;
    private final Duration poll;
    private final Duration pendingTimeout;
    private final CrashPoints crashPoints;
    private final DropFolders folders = new DropFolders(this::warnOnce);
    /** PENDING files whose earlier send could not be looked up while the broker answered: since when. */
    private final Map<String, Long> unresolvedSince = new HashMap<>();
    private final DropLedger ledger;
    private final RootLock rootLock;
    private final Map<Path, Seen> seen = new HashMap<>();
    private final Set<Path> warned = new HashSet<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "drop-folder");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean healthy = true;
    private boolean troubleThisPass;
    private String lastTrouble;
    private long lastTroubleLoggedAt;
    private volatile boolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();

    public DropFolderWatcher(Path root, ImageEvents events, ImagePublisher publisher, IngestMetrics metrics, Settings settings) {
        this(root, events, publisher, metrics, settings, NO_CRASH);
    }

    DropFolderWatcher(Path root, ImageEvents events, ImagePublisher publisher, IngestMetrics metrics, Settings settings,
                      CrashPoints crashPoints) {
        this.root = root.toAbsolutePath().normalize();
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.cameraId = settings.cameraId();
        this.stable = settings.stable();
        this.poll = settings.poll();
        this.pendingTimeout = settings.pendingTimeout();
        this.crashPoints = crashPoints;
        try {
            Files.createDirectories(this.root.resolve(".coilsight"));
            this.realRoot = this.root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use drop root " + root + ": " + e.getMessage(), e);
        }
        this.rootLock = RootLock.acquire(realRoot);
        try {
            this.ledger = new DropLedger(realRoot.resolve(".coilsight").resolve("ledger.log"), this::stillDropped, DropLedger.COMPACT_AFTER_LINES);
        } catch (RuntimeException e) {
            rootLock.close();
            throw e;
        }
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::scanSafely, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
        log.info("watching drop folder {} (stable after {} ms)", root, stable.toMillis());
    }

    /**
     * False while the last pass could not handle a file for a reason that is not the file's (the ledger cannot be
     * written, a disk is full, an earlier send cannot be looked up): it is tried again at every pass.
     */
    public boolean healthy() {
        return healthy;
    }

    private void scanSafely() {
        troubleThisPass = false;
        try {
            scan();
        } catch (RuntimeException e) {
            trouble("drop folder scan failed, retrying in " + poll.toMillis() + " ms: " + e.getMessage());
        }
        healthy = !troubleThisPass;
    }

    /** Marks this pass unhealthy and logs the cause, once while it stays the same (at most every 30 s). */
    private void trouble(String message) {
        troubleThisPass = true;
        long now = System.nanoTime();
        if (!message.equals(lastTrouble) || now - lastTroubleLoggedAt > TROUBLE_LOG_NANOS) {
            log.warn(message);
            lastTrouble = message;
            lastTroubleLoggedAt = now;
        }
    }

    /** One pass over the root: publish every file that has become stable. */
    void scan() {
        for (Path coilDir : list(root)) {
            if (stopping) {
                return;
            }
            String coilId = coilDir.getFileName().toString();
            if (coilId.startsWith(".")) {
                continue;
            }
            if (Files.isSymbolicLink(coilDir)) {
                warnOnce(coilDir, "refusing symbolic link " + coilDir + " in the drop root");
                continue;
            }
            if (!Files.isDirectory(coilDir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!COIL_ID.matcher(coilId).matches()) {
                warnOnce(coilDir, "ignoring folder " + coilDir + ": not a valid coil id");
                continue;
            }
            for (Path file : list(coilDir)) {
                if (stopping) {
                    return; // stopped between two files: the rest wait for the next run
                }
                try {
                    consider(coilId, file);
                } catch (RuntimeException e) {
                    // Not this file's fault (a ledger that cannot be written, say): it stays where it is, the others go on.
                    trouble("cannot handle " + file + " now, will retry: " + e.getMessage());
                }
            }
        }
        seen.keySet().removeIf(path -> !Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    }

    private void consider(String coilId, Path file) {
        String name = file.getFileName().toString();
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) || inProgressName(name) || name.endsWith(".error.txt")
                || name.equals(DONE) || name.equals(FAILED)) {
            return; // done/ or failed/ planted as a link is the watcher's own folder: warned about when a move meets it
        }
        if (Files.isSymbolicLink(file)) {
            reject(coilId, file, null, "symbolic links are refused: drop the file itself");
            return;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!file.toRealPath().startsWith(realRoot)) {
                reject(coilId, file, null, "path resolves outside the drop root");
                return;
            }
        } catch (IOException e) {
            return; // vanished or unreadable right now; looked at again next pass
        }
        if (!attributes.isRegularFile()) {
            return;
        }
        long now = System.nanoTime();
        long modified = attributes.lastModifiedTime().toMillis();
        Seen previous = seen.get(file);
        if (previous == null || previous.size() != attributes.size() || previous.modified() != modified) {
            seen.put(file, new Seen(attributes.size(), modified, now));
            return;
        }
        boolean quiet = now - previous.sinceNanos() >= stable.toNanos()
                && System.currentTimeMillis() - modified >= stable.toMillis();
        if (quiet) {
            publish(coilId, file, attributes.size(), modified);
            seen.remove(file);
        }
    }

    private void publish(String coilId, Path file, long size, long modified) {
        String key = new FileVersion(coilId, file.getFileName().toString(), size, modified).key();
        var known = ledger.get(key);
        if (known.isPresent() && known.get().state() == DropLedger.State.DONE) {
            moveTo(file, DONE); // published before a crash that came before the move
            return;
        }
        if (known.isPresent() && known.get().state() == DropLedger.State.FAILED) {
            moveTo(file, FAILED);
            return;
        }
        try {
            // A file of gigabytes must not be read into memory to be refused: at every restart it would be read again.
            events.checkSize(size);
        } catch (IngestRejection e) {
            reject(coilId, file, key, e.getMessage());
            metrics.rejected(SOURCE, e.reason());
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            log.warn("cannot read {} yet: {}", file, e.getMessage());
            return;
        }
        ImageCaptured event;
        String imageId = known.map(DropLedger.Entry::imageId).orElseGet(() -> UUID.randomUUID().toString());
        try {
            ImageMetadata metadata = new ImageMetadata(coilId, cameraId, modified, Instant.ofEpochMilli(modified), null, null);
            event = events.build(imageId, metadata, bytes);
        } catch (IngestRejection e) {
            reject(coilId, file, key, e.getMessage());
            metrics.rejected(SOURCE, e.reason());
            return;
        }
        if (known.isPresent()) {
            // PENDING from a run that stopped before the acknowledgement was recorded: was it published?
            DropLedger.Entry pending = known.get();
            boolean published;
            try {
                published = publisher.containsImage(pending.partition(), pending.fromOffset(), imageId);
            } catch (RuntimeException e) {
                unresolved(coilId, file, pending, e);
                return;
            }
            unresolvedSince.remove(key);
            if (published) {
                log.info("{} was published before the restart (image {}); not publishing it again", file, imageId);
                ledger.done(key, imageId);
                moveTo(file, DONE);
                return;
            }
        } else {
            int partition = publisher.partitionFor(coilId);
            ledger.pending(key, imageId, partition, publisher.endOffset(partition));
        }
        crashPoints.afterPending(file);
        long started = System.nanoTime();
        try {
            publisher.publish(event, SOURCE);
        } catch (IngestRejection e) {
            metrics.rejected(SOURCE, e.reason());
            if (e.status() >= 500) {
                log.warn("{} not published yet ({}); will retry", file, e.getMessage());
                return; // stays PENDING; the next pass checks and retries
            }
            reject(coilId, file, key, e.getMessage());
            return;
        }
        metrics.accepted(SOURCE, bytes.length, (System.nanoTime() - started) / 1e9);
        crashPoints.afterAck(file);
        ledger.done(key, imageId);
        moveTo(file, DONE);
        log.info("published {} as image {} of coil {}", file.getFileName(), imageId, coilId);
    }

    /**
     * A PENDING file whose earlier send could not be looked up. While the broker cannot be reached that is an outage,
     * not the file's trouble, and it waits; once the lookup has failed with the broker answering for longer than the
     * pending timeout (its records deleted, say), the file is set aside in failed/ with what is known, so that the
     * folder's health is not held hostage by one file: whether it was published is for a person to find out.
     */
    private void unresolved(String coilId, Path file, DropLedger.Entry pending, RuntimeException cause) {
        String why = cause.getMessage();
        if (!publisher.brokerReachable()) {
            trouble("cannot tell yet whether " + file + " was published (the broker does not answer): " + why);
            return;
        }
        long now = System.nanoTime();
        long since = unresolvedSince.computeIfAbsent(pending.key(), k -> now);
        if (now - since < pendingTimeout.toNanos()) {
            trouble("cannot tell yet whether " + file + " was published as image " + pending.imageId() + ", will retry: " + why);
            return;
        }
        unresolvedSince.remove(pending.key());
        reject(coilId, file, pending.key(), "set aside: its earlier send as image " + pending.imageId() + " (partition "
                + pending.partition() + ", from offset " + pending.fromOffset() + ") could be neither confirmed nor denied within "
                + pendingTimeout.toSeconds() + " s: " + why + ". Look for image " + pending.imageId()
                + " on the topic before dropping the file again: it may have been published.");
        metrics.rejected(SOURCE, "unresolved");
    }

    /**
     * Whether the file version a ledger key names is still on disk: in its coil's folder (a crash between the
     * ledger line and the move), or in its done/ or failed/ (moved back, the same version is known and not
     * sent again). Once removed from there too, the ledger may forget it.
     */
    private boolean stillDropped(String key) {
        FileVersion version = FileVersion.ofKey(key).orElse(null);
        if (version == null) {
            return false;
        }
        Path coil = realRoot.resolve(version.coilId());
        String name = version.name();
        for (Path file : List.of(coil.resolve(name), coil.resolve(DONE).resolve(name), coil.resolve(FAILED).resolve(name))) {
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

    private void reject(String coilId, Path file, String key, String reason) {
        log.info("refused {} of coil {}: {}", file.getFileName(), coilId, reason);
        if (key != null) {
            ledger.failed(key);
        }
        folders.fail(file, reason);
    }

    private Path moveTo(Path file, String folder) {
        return folders.moveTo(file, folder);
    }

    static boolean inProgressName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.startsWith(".") || lower.endsWith(".tmp") || lower.endsWith(".part") || lower.endsWith(".partial")
                || lower.endsWith(".filepart") || lower.endsWith(".crdownload");
    }

    private void warnOnce(Path path, String message) {
        if (warned.add(path)) {
            log.warn(message);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Makes the scan in progress end after the file at hand; {@link #close()} calls it first. */
    void stopScanning() {
        stopping = true;
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
        ledger.close();
        rootLock.close();
    }
}
