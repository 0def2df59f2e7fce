package dev.coilsight.analytics.shadow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * Feeds a {@link ShadowComparison} from the live and shadow results and the reviews: every instance reads every
 * partition (no consumer group), starting {@code window} back, so any instance answers {@code /v1/shadow} alone.
 * A record it cannot read is skipped with a log line: the comparison is a view, the records stay on their topics.
 */
public final class ShadowFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShadowFeed.class);

    private interface Sink {
        void accept(byte[] value);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SchemaRegistryClient registry;
    private final Map<String, Sink> sinks = new HashMap<>();
    private final Duration window;
    private final Thread reader;
    private volatile boolean running = true;

    /**
     * @param settings the cluster's consumer settings and the registry's
     * @param liveDefects, liveClassifications, reviews the live topics; the shadow ones come from {@code shadow}
     */
    public ShadowFeed(Map<String, Object> settings, ShadowSettings shadow, String liveDefects, String liveClassifications, String reviews,
                      ShadowComparison comparison) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, "coilsight-shadow-comparison-" + UUID.randomUUID());
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.registry = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
        SpecificAvroDeserializer<DefectSegmentation> segmentations = new SpecificAvroDeserializer<>(registry, DefectSegmentation.class);
        SpecificAvroDeserializer<ImageClassified> classifications = new SpecificAvroDeserializer<>(registry, ImageClassified.class);
        SpecificAvroDeserializer<DefectReviewed> reviewed = new SpecificAvroDeserializer<>(registry, DefectReviewed.class);
        sinks.put(liveDefects, v -> comparison.live(segmentations.deserialize(liveDefects, v)));
        sinks.put(shadow.defectsTopic(), v -> comparison.shadow(segmentations.deserialize(shadow.defectsTopic(), v)));
        sinks.put(liveClassifications, v -> comparison.liveDecision(classifications.deserialize(liveClassifications, v)));
        sinks.put(shadow.classificationsTopic(), v -> comparison.shadowDecision(classifications.deserialize(shadow.classificationsTopic(), v)));
        sinks.put(reviews, v -> comparison.review(reviewed.deserialize(reviews, v)));
        this.window = shadow.window();
        this.reader = new Thread(this::read, "shadow-comparison");
        reader.setDaemon(true);
    }

    public void start() {
        reader.start();
    }

    private void read() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            Map<TopicPartition, Long> since = new HashMap<>();
            partitions.forEach(p -> since.put(p, System.currentTimeMillis() - window.toMillis()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                consumer.seek(p, start != null ? start.offset() : ends.get(p));
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        sinks.get(r.topic()).accept(r.value());
                    } catch (SerializationException | IllegalArgumentException e) {
                        log.warn("shadow comparison skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.warn("the shadow comparison is no longer fed: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The partitions of the topics that exist (a cluster without shadow topics still compares nothing, quietly). */
    private List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        Map<String, List<org.apache.kafka.common.PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(10));
        for (String topic : sinks.keySet()) {
            List<org.apache.kafka.common.PartitionInfo> infos = topics.get(topic);
            if (infos == null) {
                log.info("shadow comparison: topic {} does not exist; not read", topic);
                continue;
            }
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        return out;
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
        registry.close();
    }
}
