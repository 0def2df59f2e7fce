package dev.coilsight.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;

/**
 * What streaming adds per image, without any model: one {@code ImageCaptured} (a real image) at a time
 * is serialised (Avro, Confluent wire format, registry-cached schema id), produced with ingest's
 * producer settings (idempotent, acks=all, no linger), fetched by a consumer and deserialised; the time from
 * before the send to the record in hand. One record in flight, so no batching hides the round trip.
 */
public final class StreamingOverhead {

    private StreamingOverhead() {
    }

    /**
     * {@code warmUp} untimed round trips, then {@code count} timed ones, ms each.
     */
    public static Percentiles.Summary measure(String bootstrapServers, String registryUrl, String topic, byte[] image, int warmUp, int count) {
        Map<String, Object> producerSettings = new HashMap<>(ClusterSettings.plain(bootstrapServers, registryUrl).registry());
        producerSettings.putAll(ImagePublisher.producerSettings(bootstrapServers, Duration.ofSeconds(30), ImageLimits.DEFAULT.maxBytes()));
        Map<String, Object> consumerSettings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-overhead-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        List<Double> millis = new ArrayList<>();
        try (KafkaProducer<String, ImageCaptured> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
                     new SpecificAvroSerializer<>(new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl)), new AvroSerdeConfig(true)));
             KafkaConsumer<String, ImageCaptured> consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
                     new SpecificAvroDeserializer<>(new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl)), ImageCaptured.class))) {
            consumer.subscribe(List.of(topic));
            for (int i = 0; i < warmUp + count; i++) {
                ImageCaptured event = ImageCaptured.newBuilder()
                        .setImageId("overhead-" + i).setCoilId("bench-overhead").setCameraId("bench").setSequence(i)
                        .setCapturedAt(Instant.now()).setEncoding(ImageEncoding.JPEG).setWidth(1600).setHeight(256)
                        .setBytes(ByteBuffer.wrap(image)).build();
                long started = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, event.getCoilId(), event));
                boolean received = false;
                long deadline = started + Duration.ofSeconds(30).toNanos();
                while (!received) {
                    ConsumerRecords<String, ImageCaptured> records = consumer.poll(Duration.ofMillis(100));
                    for (var record : records) {
                        received |= record.value().getImageId().equals(event.getImageId());
                    }
                    if (!received && System.nanoTime() > deadline) {
                        throw new IllegalStateException("round trip " + i + " did not come back within 30 s");
                    }
                }
                if (i >= warmUp) {
                    millis.add((System.nanoTime() - started) / 1e6);
                }
            }
        }
        return Percentiles.summary(millis);
    }
}
