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
 * At most {@link #MAX_COILS_PER_CALL} coils go per call, the rest in later calls ({@link #expireBacklog}, often): days of
 * coils due at once (a shorter retention, or the first scan after an upgrade) would otherwise be one transaction of
 * millions of deletes, which the broker aborts after its timeout, and the task, restored, would try again.
 */
final class CoilExpiry {

    private static final Logger log = LoggerFactory.getLogger(CoilExpiry.class);
    private static final StringSerializer KEYS = new StringSerializer();
    private static final long MAX_SCAN_INTERVAL_MS = Duration.ofHours(1).toMillis();
    private static final long MIN_SCAN_INTERVAL_MS = 1_000;
    static final int MAX_COILS_PER_CALL = 500;

    private final long retentionMillis;
    private final KeyValueStore<String, Long> lastRecord;
    private final TimestampedKeyValueStore<String, CoilDefectStats> stats;
    /** Stores keyed under {@link RecentKeys#prefix} of the coil. */
    private final List<KeyValueStore<String, ?>> prefixed;
    /** Stores keyed by the coil id. */
    private final List<KeyValueStore<String, ?>> coilKeyed;
    private final int maxCoilsPerCall;
    private boolean adopted;
    /** Coils found expired by the last scan and not removed yet, with that scan's cutoff and stream time. */
    private final ArrayDeque<String> due = new ArrayDeque<>();
    private long dueCutoff;
    private long scannedAt;

    CoilExpiry(Duration retention, KeyValueStore<String, Long> lastRecord, TimestampedKeyValueStore<String, CoilDefectStats> stats,
            List<KeyValueStore<String, ?>> prefixed, List<KeyValueStore<String, ?>> coilKeyed) {
        this(retention, lastRecord, stats, prefixed, coilKeyed, MAX_COILS_PER_CALL);
    }

    CoilExpiry(Duration retention, KeyValueStore<String, Long> lastRecord, TimestampedKeyValueStore<String, CoilDefectStats> stats,
            List<KeyValueStore<String, ?>> prefixed, List<KeyValueStore<String, ?>> coilKeyed, int maxCoilsPerCall) {
        this.maxCoilsPerCall = maxCoilsPerCall;
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
            scannedAt = streamTime;
            try (KeyValueIterator<String, Long> it = lastRecord.all()) {
                while (it.hasNext()) {
                    KeyValue<String, Long> e = it.next();
                    if (e.value < dueCutoff) {
                        due.add(e.key);
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
        int removed = 0;
        while (!due.isEmpty() && removed < maxCoilsPerCall) {
            String coil = due.poll();
            Long last = lastRecord.get(coil);
            if (last == null || last >= dueCutoff) {
                continue; // a record came since the scan
            }
            for (KeyValueStore<String, ?> store : prefixed) {
                deletePrefixed(store, coil);
            }
            for (KeyValueStore<String, ?> store : coilKeyed) {
                store.delete(coil);
            }
            lastRecord.delete(coil);
            if (stats.delete(coil) != null) {
                hadFigures.add(coil);
            }
            removed++;
        }
        if (removed > 0) {
            log.info("expired {} coils with no record since {} (stream time {}, retention {}){}", removed, Instant.ofEpochMilli(dueCutoff),
                    Instant.ofEpochMilli(scannedAt), Duration.ofMillis(retentionMillis), due.isEmpty() ? "" : "; " + due.size() + " more to go");
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

    private static void deletePrefixed(KeyValueStore<String, ?> store, String coil) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, ?> it = store.prefixScan(RecentKeys.prefix(coil), KEYS)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
    }
}
