package dev.coilsight.analytics.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.schemas.CoilDefectStats;

/**
 * Removes the coils whose latest record lies more than the retention behind stream time from every per-coil
 * key-value store, by deletes, so that each store's changelog carries a tombstone and a restore brings nothing
 * of the coil back. Time is stream time (capture time as {@link CapturedAtTimestampExtractor} reads it), the
 * clock the windows expire by, and a record's time is the later of its capture and its processing: a replay of
 * last month's images, alone or beside live coils, builds its coils instead of expiring them at once. One scan of the task's coils per call, meant to run every
 * {@link #scanInterval}, never per record.
 * <p>
 * A coil's image bytes, the bulk of the state, can go sooner: with an image retention shorter than the coil's, a coil
 * quiet that long keeps its figures, map and grade but no longer its images.
 * <p>
 * At most about {@link #MAX_DELETES_PER_CALL} keys go per call, the rest in later calls ({@link #expireBacklog}, often):
 * days of coils due at once (a shorter retention, or the first scan after an upgrade) would otherwise be one transaction
 * of millions of deletes, which the broker aborts after its timeout, and the task, restored, would try again.
 */
final class CoilExpiry {

    private static final Logger log = LoggerFactory.getLogger(CoilExpiry.class);
    private static final StringSerializer KEYS = new StringSerializer();
    private static final long MAX_SCAN_INTERVAL_MS = Duration.ofHours(1).toMillis();
    private static final long MIN_SCAN_INTERVAL_MS = 1_000;
    static final int MAX_DELETES_PER_CALL = 20_000;

    private final long retentionMillis;
    private final KeyValueStore<String, Long> lastRecord;
    private final TimestampedKeyValueStore<String, CoilDefectStats> stats;
    /** Stores keyed under {@link RecentKeys#prefix} of the coil. */
    private final List<KeyValueStore<String, ?>> prefixed;
    /** Stores keyed by the coil id. */
    private final List<KeyValueStore<String, ?>> coilKeyed;
    /** The store of image bytes (in {@code prefixed} too), emptied for a coil after {@code imageRetentionMillis}; null if none. */
    private final KeyValueStore<String, ?> images;
    private final long imageRetentionMillis;
    private final int maxDeletesPerCall;
    private boolean adopted;
    /** Coils found by the last scan and not done yet (whole: expired; else only their images), with its cutoffs and time. */
    private final ArrayDeque<Due> due = new ArrayDeque<>();
    private long dueCutoff;
    private long dueImageCutoff;
    private long scannedAt;

    private record Due(String coil, boolean whole) {
    }

    CoilExpiry(Duration retention, KeyValueStore<String, Long> lastRecord, TimestampedKeyValueStore<String, CoilDefectStats> stats,
            List<KeyValueStore<String, ?>> prefixed, List<KeyValueStore<String, ?>> coilKeyed, KeyValueStore<String, ?> images,
            Duration imageRetention) {
        this(retention, lastRecord, stats, prefixed, coilKeyed, images, imageRetention, MAX_DELETES_PER_CALL);
    }

    CoilExpiry(Duration retention, KeyValueStore<String, Long> lastRecord, TimestampedKeyValueStore<String, CoilDefectStats> stats,
            List<KeyValueStore<String, ?>> prefixed, List<KeyValueStore<String, ?>> coilKeyed, KeyValueStore<String, ?> images,
            Duration imageRetention, int maxDeletesPerCall) {
        this.images = images;
        this.imageRetentionMillis = Math.min(imageRetention.toMillis(), retention.toMillis());
        this.maxDeletesPerCall = maxDeletesPerCall;
        this.retentionMillis = retention.toMillis();
        this.lastRecord = lastRecord;
        this.stats = stats;
        this.prefixed = List.copyOf(prefixed);
        this.coilKeyed = List.copyOf(coilKeyed);
    }

    /** How often to scan: a tenth of the retention, between a second and an hour, so a coil goes at most that late. */
    static Duration scanInterval(Duration retention) {
        return Duration.ofMillis(Math.max(MIN_SCAN_INTERVAL_MS, Math.min(retention.toMillis() / 10, MAX_SCAN_INTERVAL_MS)));
    }

    /**
     * Scans for expired coils (unless an earlier scan's are still being removed) and removes the first of them; returns
     * those that had figures, which need a tombstone on the coil-stats topic.
     */
    List<String> expire(long streamTime) {
        if (!adopted) {
            adoptCoilsWithoutLastRecord();
            adopted = true;
        }
        if (due.isEmpty()) {
            dueCutoff = streamTime - retentionMillis;
            dueImageCutoff = streamTime - imageRetentionMillis;
            scannedAt = streamTime;
            try (KeyValueIterator<String, Long> it = lastRecord.all()) {
                while (it.hasNext()) {
                    KeyValue<String, Long> e = it.next();
                    if (e.value < dueCutoff) {
                        due.add(new Due(e.key, true));
                    } else if (images != null && e.value < dueImageCutoff) {
                        due.add(new Due(e.key, false));
                    }
                }
            }
        }
        return removeDue();
    }

    /** Removes more of the last scan's expired coils, if any are left; as {@link #expire}. */
    List<String> expireBacklog() {
        return due.isEmpty() ? List.of() : removeDue();
    }

    /** The stream time of the last scan: the time stamp of the tombstones of the coils it found. */
    long scannedAt() {
        return scannedAt;
    }

    private List<String> removeDue() {
        List<String> hadFigures = new ArrayList<>();
        int expired = 0;
        int imagesDropped = 0;
        int deleted = 0;
        while (!due.isEmpty() && deleted < maxDeletesPerCall) {
            Due next = due.poll();
            Long last = lastRecord.get(next.coil());
            if (last == null || last >= (next.whole() ? dueCutoff : dueImageCutoff)) {
                continue; // a record came since the scan
            }
            if (!next.whole()) {
                int dropped = deletePrefixed(images, next.coil());
                deleted += dropped;
                imagesDropped += dropped;
                continue;
            }
            for (KeyValueStore<String, ?> store : prefixed) {
                deleted += deletePrefixed(store, next.coil());
            }
            for (KeyValueStore<String, ?> store : coilKeyed) {
                store.delete(next.coil());
            }
            lastRecord.delete(next.coil());
            if (stats.delete(next.coil()) != null) {
                hadFigures.add(next.coil());
            }
            deleted += coilKeyed.size() + 2;
            expired++;
        }
        if (expired > 0 || imagesDropped > 0) {
            log.info("expired {} coils with no record since {}, and {} images of coils quiet since {} (stream time {}){}", expired,
                    Instant.ofEpochMilli(dueCutoff), imagesDropped, Instant.ofEpochMilli(dueImageCutoff), Instant.ofEpochMilli(scannedAt),
                    due.isEmpty() ? "" : "; " + due.size() + " coils more to go");
        }
        return hadFigures;
    }

    /**
     * A coil in the stats store without a last-record time (its figures were written by a release that kept none)
     * would never expire: it takes its figures' time, the latest of its records'. Once per task start.
     */
    private void adoptCoilsWithoutLastRecord() {
        List<KeyValue<String, Long>> adopted = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<CoilDefectStats>> it = stats.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<CoilDefectStats>> e = it.next();
                if (lastRecord.get(e.key) == null) {
                    adopted.add(KeyValue.pair(e.key, e.value.timestamp()));
                }
            }
        }
        if (!adopted.isEmpty()) {
            lastRecord.putAll(adopted);
            log.info("{} coils had figures but no last-record time: they expire by their figures' time", adopted.size());
        }
    }

    /** Deletes the coil's keys from a store keyed under its prefix; returns how many. */
    private static int deletePrefixed(KeyValueStore<String, ?> store, String coil) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, ?> it = store.prefixScan(RecentKeys.prefix(coil), KEYS)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
        return keys.size();
    }
}
