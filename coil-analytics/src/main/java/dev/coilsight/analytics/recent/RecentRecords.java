package dev.coilsight.analytics.recent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.schemas.registry.SchemaRegistryException;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * The latest records of a small topic, for every instance alike: each instance reads every partition (no consumer
 * group; it starts a little before the end of each partition) and keeps the last {@code capacity} in memory, so any
 * instance answers for all of them. A record the topic holds twice (the same id) is kept once, as its latest copy.
 */
public final class RecentRecords<T extends SpecificRecord> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecentRecords.class);

    private final String topic;
    private final int capacity;
    private final Function<T, String> id;
    private final ToLongFunction<T> time;
    private final LinkedHashMap<String, T> records = new LinkedHashMap<>();
    private final EveryPartitionReader<String, T> reader;

    /**
     * @param settings the cluster's consumer settings (bootstrap servers, security) and the registry's
     * @param time     a record's time (epoch ms), by which the oldest go first beyond the capacity
     */
    public RecentRecords(Map<String, Object> settings, String topic, Class<T> type, int capacity, Function<T, String> id,
                         ToLongFunction<T> time) {
        Map<String, Object> configs = EveryPartitionReader.settings(settings, "coilsight-recent");
        configs.put("specific.avro.value.type", type);
        SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>();
        values.configure(configs, false);
        this.topic = topic;
        this.capacity = capacity;
        this.id = id;
        this.time = time;
        this.reader = new EveryPartitionReader<>("recent-" + topic, new KafkaConsumer<>(configs, new StringDeserializer(), values),
                topic + " is no longer read", this::read);
    }

    public void start() {
        reader.start();
    }

    /** The latest records in {@code order}, at most {@code limit}. */
    public synchronized List<T> latest(int limit, Comparator<T> order) {
        List<T> out = new ArrayList<>(records.values());
        out.sort(order);
        return out.size() <= limit ? out : out.subList(0, limit);
    }

    public synchronized Optional<T> get(String recordId) {
        return Optional.ofNullable(records.get(recordId));
    }

    private void read(KafkaConsumer<String, T> consumer) throws InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>();
        while (reader.running() && partitions.isEmpty()) {
            try {
                consumer.partitionsFor(topic, Duration.ofSeconds(5)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.debug("topic {} not found yet", topic);
            }
            if (partitions.isEmpty()) {
                Thread.sleep(1000);
            }
        }
        consumer.assign(partitions);
        consumer.endOffsets(partitions).forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - capacity)));
        while (reader.running()) {
            try {
                for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        add(r.value());
                    }
                }
            } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
                if (SchemaRegistryException.passing(e)) {
                    log.warn("{}-{}@{} cannot be read while the schema registry does not answer; read again in {} s", topic,
                            e.topicPartition().partition(), e.offset(), EveryPartitionReader.REGISTRY_WAIT.toSeconds());
                    consumer.seek(e.topicPartition(), e.offset());
                    reader.pause(EveryPartitionReader.REGISTRY_WAIT);
                } else {
                    log.warn("{}-{}@{} cannot be read and is left out: {}", topic, e.topicPartition().partition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        }
    }

    /**
     * Keeps a record (the latest copy of an id); beyond the capacity the oldest by their own time go first, not the first
     * read: at start every partition's tail is read one partition after the other, not in time order.
     */
    public synchronized void add(T record) {
        String key = id.apply(record);
        records.remove(key);
        records.put(key, record);
        while (records.size() > capacity) {
            String oldest = null;
            for (Map.Entry<String, T> e : records.entrySet()) {
                if (oldest == null || time.applyAsLong(e.getValue()) < time.applyAsLong(records.get(oldest))) {
                    oldest = e.getKey();
                }
            }
            records.remove(oldest);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
