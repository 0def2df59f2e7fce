package dev.coilsight.bench.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.SubjectNames;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;

/**
 * What every phase's senders share: where the broker and registry are, the images, how many senders,
 * and the clients built with ingest's own producer settings, so that the raw producer and ingest
 * differ only by what ingest adds (image check, Avro, HTTP).
 *
 * @param registryUrl Confluent-compatible registry URL; null when no phase needs one
 * @param clients     concurrent HTTP clients / send-and-wait threads
 * @param window      records in flight of the pipelined raw producer
 * @param httpThreads the ingest server's request bound (COILSIGHT_HTTP_MAX_REQUESTS)
 * @param jdkHttpClient the HTTP phases upload with java.net.http instead of {@link PlainUploadClient}
 */
record LoadSettings(String bootstrapServers, String registryUrl, IngestImages images, int clients, int window, int httpThreads,
                    boolean jdkHttpClient) {

    /** How long one image may wait for its acknowledgement (ingest's COILSIGHT_PRODUCE_TIMEOUT_MS order). */
    static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(30);

    /** A plain producer of the image bytes, with ingest's settings (idempotent, acks=all, no linger). */
    KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(ImagePublisher.producerSettings(bootstrapServers, PRODUCE_TIMEOUT, ImageLimits.DEFAULT.maxBytes()),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Ingest's own publisher (Avro ImageCaptured through the registry) onto {@code topic}. The schema is registered
     * here, once, and the publisher only looks its id up (as with COILSIGHT_AUTO_REGISTER_SCHEMAS=false): otherwise every
     * sending thread's first image registers it again, one log line each. Steady state is the same either way (ids are cached).
     */
    ImagePublisher publisher(String topic) {
        try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl))) {
            registry.register(SubjectNames.forTopic(topic, false), ImageCaptured.getClassSchema());
        }
        return new ImagePublisher(new ClusterSettings(bootstrapServers, registryUrl, Optional.empty(), false, Map.of()), topic,
                PRODUCE_TIMEOUT, ImageLimits.DEFAULT.maxBytes());
    }
}
