package dev.coilsight.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestInfrastructure;

/** Shared pieces of the ingest tests: a publisher on the real broker and registry, a reader of what landed, real images. */
public final class IngestFixture {

    private IngestFixture() {
    }

    public static String newTopic(int partitions) {
        String topic = "it-images-" + UUID.randomUUID();
        TestInfrastructure.kafka().createTopics(partitions, topic);
        return topic;
    }

    public static ImagePublisher publisher(String topic) {
        return new ImagePublisher(ClusterSettings.plain(TestInfrastructure.kafka().bootstrapServers(),
                TestInfrastructure.registry().ccompatUrl()), topic, Duration.ofSeconds(10), ImageLimits.DEFAULT.maxBytes());
    }

    private static KafkaConsumer<String, ImageCaptured> imageReader() {
        return reader(ImageCaptured.class);
    }

    /** A consumer of one kind of record from the start of its topics, in a group of its own. */
    static <T extends org.apache.avro.specific.SpecificRecord> KafkaConsumer<String, T> reader(Class<T> type) {
        Map<String, Object> configs = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>();
        values.configure(Map.of(RegistryClientConfig.URL, TestInfrastructure.registry().ccompatUrl(),
                "specific.avro.value.type", type), false);
        return new KafkaConsumer<>(configs, new StringDeserializer(), values);
    }

    /** Every record of the topic from the start, waiting until {@code count} arrived (or 30 s). */
    public static List<ConsumerRecord<String, ImageCaptured>> read(String topic, int count) {
        return read(topic, count, ImageCaptured.class);
    }

    /**
     * Every record of one kind in the topic from the start: at least up to each partition's end as of the call (so every
     * record acknowledged before it, also with {@code count} 0), and until {@code count} arrived (or 30 s), then a quiet
     * half second.
     */
    public static <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> read(String topic, int count, Class<T> type) {
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = reader(type)) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((records.size() < count || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything more (a duplicate) would show up now.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    /** Everything in the topic now: read until no record has come for {@code quiet} after the partitions were assigned. */
    public static List<ConsumerRecord<String, ImageCaptured>> readAll(String topic, Duration quiet) {
        List<ConsumerRecord<String, ImageCaptured>> records = new ArrayList<>();
        try (KafkaConsumer<String, ImageCaptured> consumer = imageReader()) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline && (consumer.assignment().isEmpty() || System.nanoTime() - lastArrival < quiet.toNanos())) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty() || consumer.assignment().isEmpty()) {
                    lastArrival = System.nanoTime();
                }
                batch.forEach(records::add);
            }
        }
        return records;
    }

    /** Real JPEGs from the Severstal stream set. */
    public static List<Path> streamImages(int count) throws IOException {
        try (Stream<Path> files = Files.list(SharedData.require("severstal-stream").resolve("images"))) {
            return files.sorted().limit(count).toList();
        }
    }

    /** A real PNG (the sample's files are PNGs named .jpg). */
    public static Path samplePng() {
        return SharedData.require("severstal-sample").resolve("train_images").resolve("0030401a5.jpg");
    }

    /** Hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(ImageCaptured event) {
        var buffer = event.getBytes().duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
