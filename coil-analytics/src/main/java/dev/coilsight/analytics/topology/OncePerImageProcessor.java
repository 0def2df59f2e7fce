package dev.coilsight.analytics.topology;

import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way into a coil's state: lets the first record of each image through and drops repeats (a producer
 * retry or a replay upstream publishes an image's result twice), and notes the time of the coil's latest
 * record for {@link CoilExpiry}. Repeats are recognised per kind of record, so an image's classification and
 * its segmentation both pass. What it remembers is a coil's own state, removed when the coil expires.
 * A fixed-key processor, so that the grouping by coil downstream needs no repartition topic.
 */
final class OncePerImageProcessor<V> implements FixedKeyProcessor<String, V, V> {

    private static final Logger log = LoggerFactory.getLogger(OncePerImageProcessor.class);
    private static final char SEPARATOR = '\0';

    private final String kind;
    private final Function<V, String> imageId;
    private final ToLongFunction<V> processedAt;
    private FixedKeyProcessorContext<String, V> context;
    private KeyValueStore<String, Long> seen;
    private KeyValueStore<String, Long> lastRecord;

    /**
     * @param kind        names the kind of record in the seen store's keys (one letter is enough)
     * @param processedAt when a worker produced the result (epoch ms)
     */
    OncePerImageProcessor(String kind, Function<V, String> imageId, ToLongFunction<V> processedAt) {
        this.kind = kind;
        this.imageId = imageId;
        this.processedAt = processedAt;
    }

    /** Key of an image in the seen store: {@code coilId NUL kind NUL imageId}, under the coil's {@link RecentKeys#prefix}. */
    static String seenKey(String coilId, String kind, String imageId) {
        return RecentKeys.prefix(coilId) + kind + SEPARATOR + imageId;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        seen = context.getStateStore(CoilAnalyticsTopology.SEEN_IMAGES_STORE);
        lastRecord = context.getStateStore(CoilAnalyticsTopology.LAST_RECORD_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.key() == null || record.value() == null) {
            return; // nothing to count, as an aggregation skips such records
        }
        String coil = record.key();
        // The later of capture and processing: a replay of last month's images, or a camera whose clock is far behind,
        // is a coil in progress, not one to expire at the next scan beside live coils that moved stream time to now.
        LastRecordProcessor.note(lastRecord, coil, Math.max(record.timestamp(), processedAt.applyAsLong(record.value())));
        String key = seenKey(coil, kind, imageId.apply(record.value()));
        if (seen.get(key) != null) {
            log.debug("coil {}: image {} ({}) seen before, counted once", coil, imageId.apply(record.value()), kind);
            return;
        }
        seen.put(key, record.timestamp());
        context.forward(record);
    }
}
