package dev.coilsight.analytics.recent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * The latest records of a small topic, for every instance alike: each instance reads every partition (no consumer
 * group; it starts a little before the end of each partition) and keeps the last {@code capacity} in memory, so any
 * instance answers for all of them. A record the topic holds twice (the same id) is kept once, as its latest copy.
 */
public final class RecentRecords<T extends SpecificRecord> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecentRecords.class);

    private final KafkaConsumer<String, T> consumer;
    private final String topic;
    private final int capacity;
    private final Function<T, String> id;
    private final LinkedHashMap<String, T> records = new LinkedHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    /** @param settings the cluster's consumer settings (bootstrap servers, security) and the registry's */
    public RecentRecords(Map<String, Object> settings, String topic, Class<T> type, int capacity, Function<T, String> id) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, "coilsight-recent-" + UUID.randomUUID());
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        configs.put("specific.avro.value.type", type);
        SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>();
        values.configure(configs, false);
        this.consumer = new KafkaConsumer<>(configs, new StringDeserializer(), values);
        this.topic = topic;
        this.capacity = capacity;
        this.id = id;
        this.reader = new Thread(this::read, "recent-" + topic);
        reader.setDaemon(true);
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

    private void read() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
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
            while (running) {
                try {
                    for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.value() != null) {
                            add(r.value());
                        }
                    }
                } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
                    log.warn("{}-{}@{} cannot be read and is left out: {}", topic, e.topicPartition().partition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            log.warn("{} is no longer read: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Keeps a record (the latest copy of an id); the oldest go first beyond the capacity. */
    public synchronized void add(T record) {
        String key = id.apply(record);
        records.remove(key);
        records.put(key, record);
        while (records.size() > capacity) {
            records.remove(records.keySet().iterator().next());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
