package dev.coilsight.analytics.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Notes the time of a coil's latest record for {@link CoilExpiry} and passes the record on: the way in for coil ends,
 * which carry no image, so that a coil known only from its end (a mistyped id, a coil without results) expires too.
 */
final class LastRecordProcessor<V> implements FixedKeyProcessor<String, V, V> {

    private FixedKeyProcessorContext<String, V> context;
    private KeyValueStore<String, Long> lastRecord;

    /** Keeps the latest of {@code timestamp} and what the store holds for {@code coil}. */
    static void note(KeyValueStore<String, Long> lastRecord, String coil, long timestamp) {
        Long last = lastRecord.get(coil);
        if (last == null || timestamp > last) {
            lastRecord.put(coil, timestamp);
        }
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        lastRecord = context.getStateStore(CoilAnalyticsTopology.LAST_RECORD_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        note(lastRecord, record.key(), record.timestamp());
        context.forward(record);
    }
}
