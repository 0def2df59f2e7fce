package dev.coilsight.analytics.recent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.analytics.review.ReviewDesk;
import dev.coilsight.analytics.shadow.ShadowComparison;
import dev.coilsight.analytics.shadow.ShadowSettings;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryException;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * The live and shadow results and the reviews as every instance reads them: every partition (no consumer group),
 * starting {@code window} back, so that any instance answers {@code /v1/shadow} alone ({@link ShadowComparison}) and
 * recognises a retried review wherever it was first stored ({@link ReviewDesk#remember}). A record it cannot read is
 * skipped with a log line (the comparison is a view, the records stay on their topics); one it cannot read only because
 * the schema registry does not answer is read again, and reviews are taken only once every stored one has been read.
 */
public final class ResultsFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResultsFeed.class);

    private interface Sink {
        void accept(byte[] value);
    }

    private final SchemaRegistryClient registry;
    private final Map<String, Sink> sinks = new HashMap<>();
    private final Duration window;
    private final String reviewsTopic;
    private final EveryPartitionReader<byte[], byte[]> reader;
    private final ReviewDesk desk;
    private boolean reviewsLoaded;

    /**
     * @param settings the cluster's consumer settings and the registry's
     * @param liveDefects, liveClassifications, reviews the live topics; the shadow ones come from {@code shadow}
     */
    public ResultsFeed(Map<String, Object> settings, ShadowSettings shadow, String liveDefects, String liveClassifications, String reviews,
                       ShadowComparison comparison, ReviewDesk desk) {
        Map<String, Object> configs = EveryPartitionReader.settings(settings, "coilsight-shadow-comparison");
        this.registry = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
        SpecificAvroDeserializer<DefectSegmentation> segmentations = new SpecificAvroDeserializer<>(registry, DefectSegmentation.class);
        SpecificAvroDeserializer<ImageClassified> classifications = new SpecificAvroDeserializer<>(registry, ImageClassified.class);
        SpecificAvroDeserializer<DefectReviewed> reviewed = new SpecificAvroDeserializer<>(registry, DefectReviewed.class);
        sinks.put(liveDefects, v -> comparison.live(segmentations.deserialize(liveDefects, v)));
        sinks.put(shadow.defectsTopic(), v -> comparison.shadow(segmentations.deserialize(shadow.defectsTopic(), v)));
        sinks.put(liveClassifications, v -> comparison.liveDecision(classifications.deserialize(liveClassifications, v)));
        sinks.put(shadow.classificationsTopic(), v -> comparison.shadowDecision(classifications.deserialize(shadow.classificationsTopic(), v)));
        sinks.put(reviews, v -> {
            DefectReviewed review = reviewed.deserialize(reviews, v);
            desk.remember(review);
            comparison.review(review);
        });
        this.reviewsTopic = reviews;
        this.desk = desk;
        this.window = shadow.window();
        this.reader = new EveryPartitionReader<>("results-feed", new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                "results and reviews are no longer read (the shadow comparison stops, retried reviews are refused)", this::read);
    }

    public void start() {
        reader.start();
    }

    private void read(KafkaConsumer<byte[], byte[]> consumer) throws InterruptedException {
        List<TopicPartition> partitions = partitions(consumer);
        consumer.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        // Reviews as far back as a retry is recognised, however short the comparison's window.
        long reviewsBack = Math.max(window.toMillis(), desk.window().toMillis());
        partitions.forEach(p -> since.put(p, System.currentTimeMillis() - (p.topic().equals(reviewsTopic) ? reviewsBack : window.toMillis())));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp start = starts.get(p);
            consumer.seek(p, start != null ? start.offset() : ends.get(p));
        }
        Map<TopicPartition, Long> reviewEnds = new HashMap<>();
        ends.forEach((p, end) -> {
            if (p.topic().equals(reviewsTopic)) {
                reviewEnds.put(p, end);
            }
        });
        while (reader.running()) {
            if (!reviewsLoaded && reviewEnds.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                reviewsLoaded = true;
                desk.historyRead();
                log.info("reviews of the last {} read back: retried reviews are recognised", Duration.ofMillis(reviewsBack));
            }
            Map<TopicPartition, Long> unread = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                TopicPartition partition = new TopicPartition(r.topic(), r.partition());
                if (r.value() == null || unread.containsKey(partition)) {
                    continue;
                }
                try {
                    sinks.get(r.topic()).accept(r.value());
                } catch (SerializationException | IllegalArgumentException e) {
                    if (SchemaRegistryException.passing(e)) {
                        unread.put(partition, r.offset());
                    } else {
                        log.warn("shadow comparison skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
            }
            if (!unread.isEmpty()) {
                // A review skipped here would be stored twice when retried: read it again once the registry answers.
                unread.forEach(consumer::seek);
                log.warn("the schema registry does not answer; {} read again from {} in {} s", unread.size() == 1 ? "one partition is"
                        : unread.size() + " partitions are", unread, EveryPartitionReader.REGISTRY_WAIT.toSeconds());
                reader.pause(EveryPartitionReader.REGISTRY_WAIT);
            }
        }
    }

    /** The partitions of the topics that exist (a cluster without shadow topics still compares nothing, quietly). */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> out = new ArrayList<>();
        Map<String, List<org.apache.kafka.common.PartitionInfo>> topics = null;
        while (reader.running() && topics == null) {
            try {
                topics = consumer.listTopics(Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.info("the cluster does not answer yet; asking again for its topics");
            }
        }
        if (topics == null) {
            return out;
        }
        for (String topic : sinks.keySet()) {
            List<org.apache.kafka.common.PartitionInfo> infos = topics.get(topic);
            if (infos == null) {
                log.info("topic {} does not exist; not read", topic);
                continue;
            }
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        return out;
    }

    @Override
    public void close() {
        reader.close();
        registry.close();
    }
}
