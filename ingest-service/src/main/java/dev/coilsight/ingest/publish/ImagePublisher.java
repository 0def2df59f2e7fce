package dev.coilsight.ingest.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;

/**
 * Publishes image events keyed by coil with an idempotent producer and {@code acks=all}: an image
 * counts as accepted only once the broker has acknowledged it.
 */
public final class ImagePublisher implements AutoCloseable {

    /** Record header naming where an image came from: http, drop or replay. */
    public static final String SOURCE_HEADER = "coilsight-source";
    /** Record header with the image id, for consumers and for drop-folder recovery. */
    public static final String IMAGE_ID_HEADER = "coilsight-image-id";
    /**
     * linger.ms of ingest's producer: none. Every upload waits for its acknowledgement, so a linger adds straight to
     * each upload's latency and, with a client per camera, divides the throughput; records of hundreds of kilobytes gain
     * nothing from waiting for company, and those that arrive while requests are in flight are batched anyway.
     */
    public static final int LINGER_MS = 0;
    /** Images of the largest size the producer can hold for the broker at once: more than the HTTP front's request slots. */
    static final int BUFFERED_IMAGES = 24;

    private final KafkaProducer<String, SpecificRecord> producer;
    private final Admin admin;
    private final String topic;
    private final ClusterSettings cluster;
    private final Duration timeout;
    private volatile long readyCheckedAt;
    private volatile boolean ready;

    /**
     * @param cluster the cluster and registry; its {@code COILSIGHT_KAFKA_*} client settings (security, e.g.
     *     {@code security.protocol}, {@code sasl.jaas.config}) apply over ingest's own
     */
    public ImagePublisher(ClusterSettings cluster, String topic, Duration timeout, long maxRecordBytes) {
        Map<String, Object> configs = producerConfigs(cluster, timeout, maxRecordBytes);
        this.producer = new KafkaProducer<>(configs, new StringSerializer(), serializer(configs));
        // The admin client (readiness probe) needs the same security settings, and short timeouts of its own.
        Map<String, Object> adminConfigs = cluster.admin();
        adminConfigs.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        adminConfigs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        this.admin = Admin.create(adminConfigs);
        this.topic = topic;
        this.cluster = cluster;
        // How long the producer may still deliver (grown by a request timeout or linger set for every service): an
        // upload answered 503 before that could be delivered too, and its retry published twice.
        this.timeout = Duration.ofMillis(((Number) configs.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).longValue());
    }

    /** The producer's settings with the registry's: COILSIGHT_KAFKA_* first, then what an acknowledged upload relies on. */
    static Map<String, Object> producerConfigs(ClusterSettings cluster, Duration timeout, long maxRecordBytes) {
        Map<String, Object> configs = new HashMap<>(cluster.registry());
        configs.putAll(cluster.producer());
        configs.putAll(producerSettings(cluster.bootstrapServers(), timeout, maxRecordBytes));
        configs.put(AvroSerdeConfig.AUTO_REGISTER, cluster.autoRegisterSchemas());
        // The producer calls the serializer inside send, before the acknowledgement is waited for: a registry that does not
        // answer must not hold an upload for its client's six tries of 10 s. Two tries of a quarter of the timeout each.
        configs.put(RegistryClientConfig.REQUEST_TIMEOUT_MS, Math.max(1_000, Math.min(timeout.toMillis() / 4, 10_000)));
        configs.put(RegistryClientConfig.RETRIES, 1);
        deliveryWithinItsParts(configs, cluster.producer());
        return configs;
    }

    /**
     * The producer refuses a delivery timeout shorter than linger plus request timeout: where COILSIGHT_KAFKA_* set
     * either, they are kept and the delivery timeout grows to hold them.
     */
    private static void deliveryWithinItsParts(Map<String, Object> configs, Map<String, Object> overrides) {
        long linger = Long.parseLong(String.valueOf(overrides.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS)));
        long request = Long.parseLong(String.valueOf(overrides.getOrDefault(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                configs.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG))));
        long delivery = Long.parseLong(String.valueOf(configs.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)));
        configs.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger);
        configs.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        configs.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(delivery, linger + request));
    }

    /**
     * The producer settings of ingest: idempotent, {@code acks=all}, no linger, room for one image per
     * record; the delivery timeout is how long an upload may wait for its acknowledgement.
     */
    public static Map<String, Object> producerSettings(String bootstrapServers, Duration timeout, long maxRecordBytes) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        configs.put(ProducerConfig.ACKS_CONFIG, "all");
        configs.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        configs.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
        // Room for the image plus the Avro envelope; the broker's own limit applies too.
        int maxRequest = (int) Math.max(1 << 20, maxRecordBytes + 64 * 1024);
        configs.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequest);
        // Each image over the batch size takes a buffer of its own: Kafka's 32 MiB would hold four 8 MB images, and the fifth
        // upload would wait max.block.ms while the HTTP front admits more. Allocated as used, not up front.
        configs.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, (long) BUFFERED_IMAGES * maxRequest));
        configs.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        configs.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, Math.min(timeout.toMillis() - 1000, 10_000)));
        configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(timeout.toMillis(), 5_000L));
        configs.put(ProducerConfig.CLIENT_ID_CONFIG, "coilsight-ingest");
        return configs;
    }

    private static SpecificAvroSerializer<SpecificRecord> serializer(Map<String, Object> configs) {
        SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>();
        serializer.configure(configs, false);
        return serializer;
    }

    public String topic() {
        return topic;
    }

    /** Sends without waiting; the future completes when the broker acknowledged (or refused) the record. */
    public CompletableFuture<RecordMetadata> send(ImageCaptured event, String source) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topic, event.getCoilId(), event);
        record.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        record.headers().add(IMAGE_ID_HEADER, event.getImageId().getBytes(StandardCharsets.UTF_8));
        return send(record);
    }

    /**
     * Publishes a coil's end to {@code coilEndsTopic}, keyed by coil like its images, and waits for the acknowledgement;
     * failures are answered as {@link #publish}'s are.
     */
    public RecordMetadata publishCoilEnd(String coilEndsTopic, CoilEnded end) {
        return await(send(new ProducerRecord<>(coilEndsTopic, end.getCoilId(), end)));
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, SpecificRecord> record) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /**
     * Sends and waits for the acknowledgement.
     *
     * @throws IngestRejection 503 when the broker did not acknowledge within the timeout, 400 when the record was refused
     */
    public RecordMetadata publish(ImageCaptured event, String source) {
        return await(send(event, source));
    }

    /** How long {@link #await} waits at most, beyond a margin: the producer's delivery timeout. */
    Duration deliveryTimeout() {
        return timeout;
    }

    /** Waits for a send's acknowledgement as {@link #publish} does, with its answers to failures. */
    public RecordMetadata await(java.util.concurrent.Future<RecordMetadata> ack) {
        try {
            return ack.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw PublishFailures.unknownOutcome(timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PublishFailures.unknownOutcome(timeout, e);
        } catch (ExecutionException e) {
            throw PublishFailures.of(e.getCause(), timeout);
        }
    }

    /** Whether the broker answers (checked at most once a second; used by /ready). */
    public boolean brokerReachable() {
        long now = System.nanoTime();
        if (now - readyCheckedAt > TimeUnit.SECONDS.toNanos(1)) {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(2500, TimeUnit.MILLISECONDS);
                ready = true;
            } catch (Exception e) {
                ready = false;
            }
            readyCheckedAt = now;
        }
        return ready;
    }

    /** The partition a record keyed by {@code key} goes to (Kafka's default partitioner: murmur2 of the key). */
    public int partitionFor(String key) {
        int partitions = producer.partitionsFor(topic).size();
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The partition's end offset now: a record sent after this call lands at or after it. */
    public long endOffset(int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IngestRejection(503, "broker_unavailable", "cannot read the end offset of " + tp + ": " + e.getMessage(), e);
        }
    }

    /**
     * The settings of the consumer that looks for a drop-folder file after a crash: the cluster's security
     * settings ({@code COILSIGHT_KAFKA_*}) as the producer has them, without the producer-only ones.
     */
    static Map<String, Object> recoveryConsumerSettings(ClusterSettings cluster) {
        Map<String, Object> configs = cluster.consumer();
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return configs;
    }

    /** Whether a record with this image id header sits in the partition at or after {@code fromOffset}. */
    public boolean containsImage(int partition, long fromOffset, String imageId) {
        TopicPartition tp = new TopicPartition(topic, partition);
        Map<String, Object> configs = recoveryConsumerSettings(cluster);
        byte[] wanted = imageId.getBytes(StandardCharsets.UTF_8);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(java.util.List.of(tp));
            long end = consumer.endOffsets(java.util.List.of(tp), Duration.ofSeconds(10)).get(tp);
            long start = consumer.beginningOffsets(java.util.List.of(tp), Duration.ofSeconds(10)).get(tp);
            if (fromOffset < start) {
                // Records from there on were deleted (retention): their absence proves nothing.
                throw new IllegalStateException(tp + " now starts at offset " + start + ", after " + fromOffset
                        + ": the records where it would be were deleted");
            }
            consumer.seek(tp, fromOffset);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    var header = record.headers().lastHeader(IMAGE_ID_HEADER);
                    if (header != null && java.util.Arrays.equals(header.value(), wanted)) {
                        return true;
                    }
                }
            }
            if (consumer.position(tp) < end) {
                throw new IngestRejection(503, "broker_unavailable", "could not read " + tp + " up to offset " + end);
            }
            return false;
        }
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        admin.close(Duration.ofSeconds(2));
    }
}
