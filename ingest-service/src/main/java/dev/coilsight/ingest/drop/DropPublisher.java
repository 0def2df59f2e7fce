package dev.coilsight.ingest.drop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageIds;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.publish.IngestRejection;
import dev.coilsight.schemas.ImageCaptured;

/**
 * Publishes a stable dropped file exactly once through the {@link DropLedger}: a PENDING line before the send, a DONE
 * line after the broker's acknowledgement, then the move to done/. A PENDING line left by a run that stopped in
 * between is looked up in Kafka before anything is sent again. Refused files go to failed/ with the reason.
 */
final class DropPublisher {

    private static final Logger log = LoggerFactory.getLogger(DropPublisher.class);
    private static final String SOURCE = "drop";

    private final DropLedger ledger;
    private final ImageEvents events;
    private final ImagePublisher publisher;
    private final IngestMetrics metrics;
    private final String cameraId;
    private final Duration pendingTimeout;
    private final DropFolderWatcher.CrashPoints crashPoints;
    private final DropTrouble trouble;
    private final DropFolders folders;
    /** Since when each file version could not be read for want of permission: it is set aside once that lasts. */
    private final java.util.Map<String, Long> deniedSince = new java.util.concurrent.ConcurrentHashMap<>();
    private final Duration maxClockSkew;
    /** How long a truncated file that was written to lately is waited for before it is set aside. */
    private final Duration incompleteGrace;
    /** PENDING files whose earlier send could not be looked up while the broker answered: since when. */
    private final Map<String, Long> unresolvedSince = new HashMap<>();

    DropPublisher(DropLedger ledger, ImageEvents events, ImagePublisher publisher, IngestMetrics metrics,
                  DropFolderWatcher.Settings settings, DropFolderWatcher.CrashPoints crashPoints, DropTrouble trouble) {
        this.ledger = ledger;
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.cameraId = settings.cameraId();
        this.pendingTimeout = settings.pendingTimeout();
        this.maxClockSkew = settings.maxClockSkew();
        this.incompleteGrace = settings.incompleteGrace();
        this.crashPoints = crashPoints;
        this.trouble = trouble;
        this.folders = new DropFolders(trouble::warnOnce);
    }

    /**
     * Publishes one version of a file that has stopped changing, unless the ledger knows it already.
     *
     * @return false when the file stays to be tried again (its send failed for now, or it is still being written): the
     *         coil's later files then wait behind it, so that frame numbers keep the order of the names
     */
    boolean publish(String coilId, Path file, long size, long modified) {
        String key = new FileVersion(coilId, file.getFileName().toString(), size, modified).key();
        var known = ledger.get(key);
        if (known.isPresent() && known.get().state() == DropLedger.State.DONE) {
            folders.moveTo(file, DropFolders.DONE); // published before a crash that came before the move
            return true;
        }
        if (known.isPresent() && known.get().state() == DropLedger.State.FAILED) {
            // Set aside before and dropped again (a person moved it back from failed/, as its note says to once they have
            // checked the topic): tried again as a new file. Refused again, it goes back with a new note.
            log.info("{} of coil {} was set aside in failed/ before and has been dropped again: trying it again", DropTrouble.shown(file.getFileName()), DropTrouble.shown(coilId));
            known = java.util.Optional.empty();
        }
        if (modified > System.currentTimeMillis() + maxClockSkew.toMillis()) {
            // Its time stamp is the capture time: taken as it is, it would move event time ahead for everything after it.
            refuse(coilId, file, key, "its modification time " + Instant.ofEpochMilli(modified) + " is more than " + maxClockSkew.toMillis()
                    + " ms in the future (COILSIGHT_MAX_CLOCK_SKEW_MS): check the clock of what writes the files, then drop it again");
            metrics.rejected(SOURCE, "invalid_field");
            return true;
        }
        if (modified < ImageMetadata.EARLIEST_CAPTURE.toEpochMilli()) {
            // A clock reset (1970): its image would count in no window of its coil.
            refuse(coilId, file, key, "its modification time " + Instant.ofEpochMilli(modified) + " is before "
                    + ImageMetadata.EARLIEST_CAPTURE + ": check the clock of what writes the files, then drop it again");
            metrics.rejected(SOURCE, "invalid_field");
            return true;
        }
        try {
            // A file of gigabytes must not be read into memory to be refused: at every restart it would be read again.
            events.checkSize(size);
        } catch (IngestRejection e) {
            refuse(coilId, file, key, e.getMessage());
            metrics.rejected(SOURCE, e.reason());
            return true;
        }
        byte[] bytes;
        long frame;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.AccessDeniedException e) {
            long since = deniedSince.computeIfAbsent(key, k -> System.currentTimeMillis());
            if (System.currentTimeMillis() - since < incompleteGrace.toMillis()) {
                // A writer may still hold it (a share that locks files being written), or fix its permissions.
                trouble.warnOnce(file, "cannot read " + file + " yet (" + e + "); waiting up to " + incompleteGrace.toSeconds()
                        + " s before setting it aside");
                return false;
            }
            // Left unreadable (a writer's umask): waiting would hold every later file of the coil behind it for ever.
            deniedSince.remove(key);
            refuse(coilId, file, key, "it cannot be read (" + e + "); make it readable for ingest and drop it again");
            metrics.rejected(SOURCE, "unreadable");
            return true;
        } catch (IOException e) {
            trouble.warnOnce(file, "cannot read " + file + " yet: " + e);
            return false;
        }
        deniedSince.remove(key);
        try {
            frame = frameNumber(file);
        } catch (IOException e) {
            trouble.warnOnce(file, "cannot count the published files beside " + file + " yet: " + e);
            return false;
        }
        if (known.isEmpty() && sameAsPublished(file, bytes)) {
            // Sent again (a camera retrying a transfer it did not see succeed, with a new modification time).
            deleteCopy(file);
            return true;
        }
        ImageCaptured event;
        String imageId = known.map(DropLedger.Entry::imageId)
                .orElseGet(() -> ImageIds.derived(coilId, file.getFileName().toString(), ImageIds.sha256(bytes)));
        try {
            ImageMetadata metadata = new ImageMetadata(coilId, cameraId, frame, Instant.ofEpochMilli(modified), null, null);
            event = events.build(imageId, metadata, bytes);
        } catch (IngestRejection e) {
            if (e.reason().equals("corrupt") && System.currentTimeMillis() - modified < incompleteGrace.toMillis()) {
                // Truncated but written to lately: a writer that paused longer than the stable period, not a broken file.
                trouble.warnOnce(file, file + " is incomplete (" + e.getMessage() + "); waiting up to " + incompleteGrace.toSeconds()
                        + " s for the rest before setting it aside");
                return false;
            }
            refuse(coilId, file, key, e.getMessage());
            metrics.rejected(SOURCE, e.reason());
            return true;
        }
        if (known.isPresent()) {
            // PENDING from a run that stopped before the acknowledgement was recorded: was it published?
            DropLedger.Entry pending = known.get();
            boolean published;
            try {
                published = publisher.containsImage(pending.partition(), pending.fromOffset(), imageId);
            } catch (RuntimeException e) {
                return unresolved(coilId, file, pending, e);
            }
            unresolvedSince.remove(key);
            if (published) {
                log.info("{} was published before the restart (image {}); not publishing it again", DropTrouble.shown(file), imageId);
                ledger.done(key, imageId);
                folders.moveTo(file, DropFolders.DONE);
                return true;
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
                // Not the file's trouble (broker or registry): it stays PENDING and the service unready until a send succeeds.
                trouble.holding(file, file + " not published yet, will retry: " + e.getMessage());
                return false;
            }
            refuse(coilId, file, key, e.getMessage());
            return true;
        }
        metrics.accepted(SOURCE, bytes.length, (System.nanoTime() - started) / 1e9);
        crashPoints.afterAck(file);
        ledger.done(key, imageId);
        folders.moveTo(file, DropFolders.DONE);
        log.debug("published {} as image {} of coil {}", DropTrouble.shown(file.getFileName()), imageId, DropTrouble.shown(coilId));
        return true;
    }

    /** Whether done/ holds a file of this name with these very bytes. */
    private static boolean sameAsPublished(Path file, byte[] bytes) {
        Path published = file.getParent().resolve(DropFolders.DONE).resolve(file.getFileName());
        try {
            return Files.isRegularFile(published, LinkOption.NOFOLLOW_LINKS) && Files.size(published) == bytes.length
                    && Arrays.equals(Files.readAllBytes(published), bytes);
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteCopy(Path file) {
        try {
            Files.delete(file);
            log.info("{} was dropped again with the same bytes as done/{}: published once, this copy deleted", DropTrouble.shown(file), DropTrouble.shown(file.getFileName()));
        } catch (IOException e) {
            log.warn("cannot delete {}, a copy of done/{}: {}", DropTrouble.shown(file), DropTrouble.shown(file.getFileName()), DropTrouble.shown(e.getMessage()));
        }
    }

    /**
     * The frame number of a coil's next file: how many of its files are published (in {@code done/}), since a coil's files
     * are taken one at a time (those of one scan in name order). The coil map places an image without a position at its frame number times
     * its length (frames back to back). Not kept with the file: a file sent again later (its first send refused, or dropped
     * again from failed/) takes the number then current, so it may trade places with the files published meanwhile.
     */
    private static long frameNumber(Path file) throws IOException {
        Path done = file.getParent().resolve(DropFolders.DONE);
        if (!Files.isDirectory(done, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> published = Files.list(done)) {
            return published.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
        }
    }

    /**
     * A PENDING file whose earlier send could not be looked up. While the broker cannot be reached that is an outage,
     * not the file's trouble, and it waits; once the lookup has failed with the broker answering for longer than the
     * pending timeout (its records deleted, say), the file is set aside in failed/ with what is known, so that the
     * folder's health is not held hostage by one file: whether it was published is for a person to find out.
     */
    private boolean unresolved(String coilId, Path file, DropLedger.Entry pending, RuntimeException cause) {
        String why = cause.getMessage();
        if (!publisher.brokerReachable()) {
            trouble.holding(file, "cannot tell yet whether " + file + " was published (the broker does not answer): " + why);
            return false;
        }
        long now = System.nanoTime();
        long since = unresolvedSince.computeIfAbsent(pending.key(), k -> now);
        if (now - since < pendingTimeout.toNanos()) {
            trouble.holding(file, "cannot tell yet whether " + file + " was published as image " + pending.imageId() + ", will retry: " + why);
            return false;
        }
        unresolvedSince.remove(pending.key());
        refuse(coilId, file, pending.key(), "set aside: its earlier send as image " + pending.imageId() + " (partition "
                + pending.partition() + ", from offset " + pending.fromOffset() + ") could be neither confirmed nor denied within "
                + pendingTimeout.toSeconds() + " s: " + why + ". Look for image " + pending.imageId()
                + " on the topic before dropping the file again: it may have been published.");
        metrics.rejected(SOURCE, "unresolved");
        return true;
    }

    /** Moves a file that is refused before it is read (a link, a path outside the root) to failed/ with the reason. */
    void refuse(String coilId, Path file, String reason) {
        refuse(coilId, file, null, reason);
    }

    /** Moves the file to failed/ with the reason; with a ledger key, the ledger keeps that version from being tried again. */
    private void refuse(String coilId, Path file, String key, String reason) {
        log.info("refused {} of coil {}: {}", DropTrouble.shown(file.getFileName()), DropTrouble.shown(coilId), DropTrouble.shown(reason));
        if (key != null) {
            ledger.failed(key);
        }
        folders.fail(file, reason);
    }
}
