package dev.coilsight.analytics.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.function.Function;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest {@code limit} records of each coil in a key-value store (keys from
 * {@link RecentKeys}), dropping the oldest by when a worker processed them: by the servers' clocks, not the cameras', so
 * that a camera clock stepped back (NTP, a time zone change) does not make each new image the oldest, deleted at once. The store lives in the same task as the
 * coil's other state, so an interactive query for the coil finds it on the same instance.
 */
final class KeepRecentProcessor<V> implements Processor<String, V, Void, Void> {

    private static final StringSerializer KEYS = new StringSerializer();

    private final String storeName;
    private final int limit;
    private final ToLongFunction<V> processedAt;
    private final Function<V, String> imageId;
    private KeyValueStore<String, V> store;

    KeepRecentProcessor(String storeName, int limit, ToLongFunction<V> processedAt, Function<V, String> imageId) {
        this.storeName = storeName;
        this.limit = limit;
        this.processedAt = processedAt;
        this.imageId = imageId;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        store.put(RecentKeys.of(record.key(), processedAt.applyAsLong(record.value()), imageId.apply(record.value())), record.value());
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(RecentKeys.prefix(record.key()), KEYS)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        for (int i = 0; i < keys.size() - limit; i++) {
            store.delete(keys.get(i));
        }
    }
}
