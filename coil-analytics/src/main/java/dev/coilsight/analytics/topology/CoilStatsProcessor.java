package dev.coilsight.analytics.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import dev.coilsight.analytics.stats.CoilStatsAggregator;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;

/**
 * A coil's running figures: folds its classifications and segmentations into {@link CoilDefectStats} and
 * forwards every change to the coil-stats topic, and every {@link CoilExpiry#scanInterval} of stream time
 * forwards a tombstone for each coil {@link CoilExpiry} removed. A processor rather than an aggregation because
 * an aggregation cannot forget a key; its store keeps the timestamped format an aggregation's store has.
 */
final class CoilStatsProcessor implements Processor<String, SpecificRecord, String, CoilDefectStats> {

    /** How often a scan's expired coils beyond one call's share go, each share in a transaction of its own. */
    static final Duration EXPIRY_BACKLOG_INTERVAL = Duration.ofSeconds(1);

    private final Clock clock;
    private final Duration retention;
    /** The store of image bytes, emptied for a coil quiet for {@code imageRetention}; null when images are not kept. */
    private final String imagesStore;
    private final Duration imageRetention;
    private final List<String> prefixedStores;
    private final List<String> coilKeyedStores;
    private ProcessorContext<String, CoilDefectStats> context;
    private TimestampedKeyValueStore<String, CoilDefectStats> store;

    /**
     * @param prefixedStores the other per-coil stores keyed under {@link RecentKeys#prefix}, emptied with the coil
     * @param coilKeyedStores the other per-coil stores keyed by the coil id, emptied with the coil
     */
    CoilStatsProcessor(Clock clock, Duration retention, List<String> prefixedStores, List<String> coilKeyedStores, String imagesStore,
                       Duration imageRetention) {
        this.clock = clock;
        this.retention = retention;
        this.imagesStore = imagesStore;
        this.imageRetention = imageRetention;
        this.prefixedStores = List.copyOf(prefixedStores);
        this.coilKeyedStores = List.copyOf(coilKeyedStores);
    }

    @Override
    public void init(ProcessorContext<String, CoilDefectStats> context) {
        this.context = context;
        store = context.getStateStore(CoilAnalyticsTopology.STATS_STORE);
        List<KeyValueStore<String, ?>> prefixed = new ArrayList<>();
        for (String name : prefixedStores) {
            prefixed.add(context.getStateStore(name));
        }
        List<KeyValueStore<String, ?>> coilKeyed = new ArrayList<>();
        for (String name : coilKeyedStores) {
            coilKeyed.add(context.getStateStore(name));
        }
        CoilExpiry expiry = new CoilExpiry(retention, context.getStateStore(CoilAnalyticsTopology.LAST_RECORD_STORE), store, prefixed, coilKeyed,
                imagesStore == null ? null : context.getStateStore(imagesStore), imageRetention);
        context.schedule(CoilExpiry.scanInterval(retention), PunctuationType.STREAM_TIME, streamTime -> {
            for (String coil : expiry.expire(streamTime)) {
                context.forward(new Record<>(coil, null, streamTime));
            }
        });
        context.schedule(EXPIRY_BACKLOG_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
            for (String coil : expiry.expireBacklog()) {
                context.forward(new Record<>(coil, null, expiry.scannedAt()));
            }
        });
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String coil = record.key();
        ValueAndTimestamp<CoilDefectStats> old = store.get(coil);
        CoilDefectStats before = old == null ? CoilStatsAggregator.empty(coil) : old.value();
        CoilDefectStats after;
        if (record.value() instanceof ImageClassified image) {
            after = CoilStatsAggregator.add(before, image, clock.millis());
        } else if (record.value() instanceof DefectSegmentation segmentation) {
            after = CoilStatsAggregator.add(before, segmentation, clock.millis());
        } else {
            throw new IllegalArgumentException("not a result of an image: " + record.value().getClass().getName());
        }
        long timestamp = old == null ? record.timestamp() : Math.max(old.timestamp(), record.timestamp());
        store.put(coil, ValueAndTimestamp.make(after, timestamp));
        context.forward(record.withValue(after));
    }
}
