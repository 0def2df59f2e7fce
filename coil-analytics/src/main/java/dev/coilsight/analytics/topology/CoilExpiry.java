package dev.coilsight.analytics.topology;

import java.time.Duration;
import java.time.Instant;
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
 */
final class CoilExpiry {

    private static final Logger log = LoggerFactory.getLogger(CoilExpiry.class);
    private static final StringSerializer KEYS = new StringSerializer();
    private static final long MAX_SCAN_INTERVAL_MS = Duration.ofHours(1).toMillis();
    private static final long MIN_SCAN_INTERVAL_MS = 1_000;

    private final long retentionMillis;
    private final KeyValueStore<String, Long> lastRecord;
    private final TimestampedKeyValueStore<String, CoilDefectStats> stats;
    /** Stores keyed under {@link RecentKeys#prefix} of the coil. */
    private final List<KeyValueStore<String, ?>> prefixed;
    /** Stores keyed by the coil id. */
    private final List<KeyValueStore<String, ?>> coilKeyed;
    private boolean adopted;

    CoilExpiry(Duration retention, KeyValueStore<String, Long> lastRecord, TimestampedKeyValueStore<String, CoilDefectStats> stats,
            List<KeyValueStore<String, ?>> prefixed, List<KeyValueStore<String, ?>> coilKeyed) {
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

    /** Removes the expired coils; returns those that had figures, which need a tombstone on the coil-stats topic. */
    List<String> expire(long streamTime) {
        if (!adopted) {
            adoptCoilsWithoutLastRecord();
            adopted = true;
        }
        long cutoff = streamTime - retentionMillis;
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = lastRecord.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> e = it.next();
                if (e.value < cutoff) {
                    expired.add(e.key);
                }
            }
        }
        List<String> hadFigures = new ArrayList<>();
        for (String coil : expired) {
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
        }
        if (!expired.isEmpty()) {
            log.info("expired {} coils with no record since {} (stream time {}, retention {})", expired.size(), Instant.ofEpochMilli(cutoff),
                    Instant.ofEpochMilli(streamTime), Duration.ofMillis(retentionMillis));
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
