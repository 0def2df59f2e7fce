package dev.coilsight.workerruntime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.SlowClients;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.ChildJvm;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestInfrastructure;

/** Topics, records in, results out (read_committed) on the real broker and registry, and real images. */
public final class WorkerFixture {

    private WorkerFixture() {
    }

    /** Fresh topics named {@code it-<role>-<uuid>}, by role. */
    public static Map<String, String> topics(int partitions, String... roles) {
        Map<String, String> topics = new HashMap<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (String role : roles) {
            topics.put(role, "it-" + role + "-" + run);
        }
        TestInfrastructure.kafka().createTopics(partitions, topics.values().toArray(String[]::new));
        // A produce right after creation can meet a broker that does not lead the partition yet (and an idempotent
        // producer's retries then fail with out-of-order sequences): wait until every partition has its leader.
        try (Admin admin = TestInfrastructure.kafka().admin()) {
            await(Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeTopics(topics.values()).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null
                                    && !p.leader().isEmpty()));
                } catch (Exception e) {
                    return false;
                }
            }, "the test topics have leaders");
        }
        return topics;
    }

    /** The environment of a worker on the test broker and registry, plus the given settings. */
    public static Env env(Map<String, String> settings) {
        return new Env(variables(settings));
    }

    /** A worker's {@code main} in a JVM of its own (so that a test can kill it), on this test's classpath; output to {@code log}. */
    public static Process startJvm(Class<?> main, Map<String, String> env, Path log, String maxHeap) throws IOException {
        return ChildJvm.start(main, List.of("-Xmx" + maxHeap, "-Dai.djl.offline=true", "-Djava.awt.headless=true"), List.of(), env, log);
    }

    /** {@link #env}'s variables, for a worker in another JVM. */
    public static Map<String, String> variables(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        env.put("COILSIGHT_BOOTSTRAP_SERVERS", TestInfrastructure.kafka().bootstrapServers());
        env.put("COILSIGHT_SCHEMA_REGISTRY_URL", TestInfrastructure.registry().ccompatUrl());
        env.put("COILSIGHT_HTTP_HOST", "127.0.0.1");
        env.put("COILSIGHT_HTTP_PORT", "0");
        env.put("COILSIGHT_GROUP_ID", "it-group-" + UUID.randomUUID());
        env.put("COILSIGHT_TRANSACTIONAL_ID", "it-tx-" + UUID.randomUUID());
        env.put("COILSIGHT_MODEL_POLL_MS", "0");
        env.putAll(settings);
        return env;
    }

    public static SpecificAvroSerializer<SpecificRecord> serializer() {
        return new SpecificAvroSerializer<>(new RestSchemaRegistryClient(RegistryClientConfig.forUrl(TestInfrastructure.registry().ccompatUrl())),
                new AvroSerdeConfig(true));
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends records (value null = raw bytes given) and waits for every acknowledgement. */
    public static void send(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        records.forEach(r -> acks.add(producer.send(r)));
        for (var ack : acks) {
            try {
                ack.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("send failed", e);
            }
        }
    }

    public static ProducerRecord<byte[], byte[]> avro(String topic, String coilId, SpecificRecord value) {
        try (SpecificAvroSerializer<SpecificRecord> serializer = serializer()) {
            return new ProducerRecord<>(topic, coilId.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, value));
        }
    }

    public static ProducerRecord<byte[], byte[]> raw(String topic, String coilId, byte[] value) {
        return new ProducerRecord<>(topic, coilId.getBytes(StandardCharsets.UTF_8), value);
    }

    public static ImageCaptured image(String imageId, String coilId, long sequence, byte[] bytes, int width, int height) {
        return ImageCaptured.newBuilder()
                .setImageId(imageId).setCoilId(coilId).setCameraId("it-camera").setSequence(sequence)
                .setCapturedAt(Instant.now()).setEncoding(ImageEncoding.JPEG)
                .setWidth(width).setHeight(height).setBytes(ByteBuffer.wrap(bytes)).build();
    }

    /** Real Severstal test-set JPEGs (1600x256). */
    public static List<Path> streamImages(int count) throws IOException {
        try (Stream<Path> files = Files.list(SharedData.require("severstal-stream").resolve("images"))) {
            return files.sorted().limit(count).toList();
        }
    }

    public static String imageId(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    /** ImageCaptured records of real images, spread over {@code coils} coils. */
    public static List<ProducerRecord<byte[], byte[]>> imageRecords(String topic, List<Path> files, int coils) throws IOException {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (SpecificAvroSerializer<SpecificRecord> serializer = serializer()) {
            for (int i = 0; i < files.size(); i++) {
                String coil = "coil-" + (i % coils);
                ImageCaptured event = image(imageId(files.get(i)), coil, i, Files.readAllBytes(files.get(i)), 1600, 256);
                // The last image of each coil says so, as a line reporting its coils' ends does.
                event.setCoilEnd(i >= files.size() - coils);
                records.add(new ProducerRecord<>(topic, coil.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, event)));
            }
        }
        return records;
    }

    /** A read_committed consumer of raw records from the beginning of the topics. */
    public static KafkaConsumer<byte[], byte[]> committedReader(String... topics) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics));
        return consumer;
    }

    /** Committed records of the topic, waiting until {@code count} arrived (or the timeout), then a quiet poll for extras. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int count, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader(topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything more (a duplicate) would show up now.
            long quiet = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < quiet) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    public static <T extends SpecificRecord> List<T> values(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        try (SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(
                new RestSchemaRegistryClient(RegistryClientConfig.forUrl(TestInfrastructure.registry().ccompatUrl())), type)) {
            return records.stream().map(r -> deserializer.deserialize(r.topic(), r.value())).toList();
        }
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The settings that make a worker's ops port quick to close idle and slow clients, for {@link #assertOpsPortStaysUp}. */
    public static final Map<String, String> SHORT_HTTP_TIMEOUTS = Map.of("COILSIGHT_HTTP_IDLE_TIMEOUT_MS", "2000",
            "COILSIGHT_HTTP_REQUEST_TIMEOUT_MS", "3000");

    /**
     * 64 half-open connections and a POST trickling in at a byte a second cannot blind a worker's ops port (started
     * with {@link #SHORT_HTTP_TIMEOUTS}): a liveness probe still gets its answer, and /metrics too.
     */
    public static void assertOpsPortStaysUp(int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        SlowClients.assertTheServiceStaysUp(port, Duration.ofSeconds(2), Duration.ofSeconds(3),
                new SlowClients.Trickle("/metrics", "Content-Type: application/octet-stream\r\n", "HTTP/1\\.1 405 .*|closed"), () -> {
                    try {
                        var metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                        org.assertj.core.api.Assertions.assertThat(metrics.statusCode()).isEqualTo(200);
                        org.assertj.core.api.Assertions.assertThat(metrics.body()).contains("coilsight_");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    /** Waits until the condition holds ({@link Await#until}). */
    public static void await(Duration timeout, BooleanSupplier condition, String description) {
        Await.until(timeout, condition, description);
    }
}
