package dev.coilsight.analytics.review;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/** Reads every review on the topic up to its end at the time of the call (no consumer group, nothing committed). */
public final class ReviewReader {

    private ReviewReader() {
    }

    /**
     * @param settings the cluster's consumer settings plus the registry's
     * @param progress told the records read so far and how many there are, now and then
     * @param sink      takes each review as it is read
     * @return how many reviews were read
     */
    public static long readAll(Map<String, Object> settings, String topic, Duration timeout, BiConsumer<Long, Long> progress,
                               Consumer<DefectReviewed> sink) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        configs.put(AvroSerdeConfig.VALUE_TYPE, DefectReviewed.class.getName());
        SpecificAvroDeserializer<DefectReviewed> deserializer = new SpecificAvroDeserializer<>();
        deserializer.configure(configs, false);
        try (KafkaConsumer<String, DefectReviewed> consumer = new KafkaConsumer<>(configs, new StringDeserializer(), deserializer)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist on the cluster");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, timeout);
            long total = partitions.stream().mapToLong(p -> end.get(p) - start.get(p)).sum();
            long reviews = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("reading " + topic + " took longer than "
                            + timeout.toSeconds() + " s; " + reviews + " reviews read"));
                }
                for (ConsumerRecord<String, DefectReviewed> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        sink.accept(record.value());
                        reviews++;
                    }
                }
                progress.accept(reviews, total);
            }
            return reviews;
        } catch (org.apache.kafka.common.KafkaException e) {
            // No broker at the address, a record the registry cannot resolve: the reviews could not be read (exit 2).
            throw new java.io.UncheckedIOException(new java.io.IOException("the reviews on " + topic + " at "
                    + settings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " could not be read: " + e.getMessage(), e));
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
