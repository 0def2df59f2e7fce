package dev.coilsight.devstack.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * Everything committed on the line's topics, read from the beginning with read_committed by one consumer in a
 * thread of its own, which rides out broker and registry restarts: a record that cannot be decoded yet (the
 * registry is down and its schema id is new) is kept and decoded later.
 */
final class CommittedOutputs implements AutoCloseable {

    /** A dead letter: the image it carried, where it died and why. */
    record DeadLetter(String imageId, String stage, String reason, String message) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RestSchemaRegistryClient registry;
    private final List<ConsumerRecord<byte[], byte[]>> undecoded = new ArrayList<>();
    private final java.util.Set<String> read = new java.util.HashSet<>();
    private final List<ImageCaptured> images = new ArrayList<>();
    private final List<ImageClassified> classifications = new ArrayList<>();
    private final List<DefectiveImage> forwarded = new ArrayList<>();
    private final List<DefectSegmentation> segmentations = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<Class<? extends SpecificRecord>, SpecificAvroDeserializer<? extends SpecificRecord>> deserializers = new HashMap<>();
    private final Thread reader;
    private volatile boolean closed;

    CommittedOutputs(String bootstrapServers, String registryUrl) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "fault-matrix-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.IMAGES, Topics.CLASSIFICATIONS, Topics.DEFECTIVE_IMAGES, Topics.DEFECTS, Topics.DLQ));
        registry = new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl));
        reader = new Thread(this::read, "fault-matrix-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (!closed) {
            List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                // Once per offset: after a broker restart the reader's group rebalances and reads again from its last
                // commit; a record read twice is the reader's, a duplicate in the topic has an offset of its own.
                if (read.add(record.topic() + "/" + record.partition() + "@" + record.offset())) {
                    batch.add(record);
                }
            }
            synchronized (this) {
                undecoded.addAll(batch);
                for (Iterator<ConsumerRecord<byte[], byte[]>> it = undecoded.iterator(); it.hasNext(); ) {
                    if (decode(it.next())) {
                        it.remove();
                    }
                }
            }
        }
        consumer.close(Duration.ofSeconds(2));
    }

    private boolean decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            switch (record.topic()) {
                case Topics.IMAGES -> images.add(value(record.topic(), record.value(), ImageCaptured.class));
                case Topics.CLASSIFICATIONS -> classifications.add(value(record.topic(), record.value(), ImageClassified.class));
                case Topics.DEFECTIVE_IMAGES -> forwarded.add(value(record.topic(), record.value(), DefectiveImage.class));
                case Topics.DEFECTS -> segmentations.add(value(record.topic(), record.value(), DefectSegmentation.class));
                default -> deadLetters.add(deadLetter(record));
            }
            return true;
        } catch (RuntimeException e) {
            return false; // the registry cannot be asked now: later
        }
    }

    private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        String source = header(record, "coilsight.dlq.source.topic");
        String imageId = null;
        if (record.value() != null && record.value().length > 0) {
            if (Topics.IMAGES.equals(source)) {
                imageId = value(source, record.value(), ImageCaptured.class).getImageId();
            } else if (Topics.DEFECTIVE_IMAGES.equals(source)) {
                imageId = value(source, record.value(), DefectiveImage.class).getImage().getImageId();
            }
        }
        return new DeadLetter(imageId, header(record, "coilsight.dlq.stage"), header(record, "coilsight.dlq.reason"),
                header(record, "coilsight.dlq.error.message"));
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> T value(String topic, byte[] bytes, Class<T> type) {
        // One deserializer per type for the whole run: each keeps the schemas it has met, as the services' do.
        return (T) deserializers.computeIfAbsent(type, k -> new SpecificAvroDeserializer<>(registry, type)).deserialize(topic, bytes);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    synchronized List<ImageCaptured> images() {
        return List.copyOf(images);
    }

    synchronized List<ImageClassified> classifications() {
        return List.copyOf(classifications);
    }

    synchronized List<DefectiveImage> forwarded() {
        return List.copyOf(forwarded);
    }

    synchronized List<DefectSegmentation> segmentations() {
        return List.copyOf(segmentations);
    }

    synchronized List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        reader.join(10_000);
        registry.close();
    }
}
