package dev.coilsight.devstack.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.coilsight.classifier.HaltingClassifierService;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.devstack.DevStack;
import dev.coilsight.embedded.LocalRegistry;
import dev.coilsight.embedded.Ports;
import dev.coilsight.ingest.IngestConfig;
import dev.coilsight.ingest.IngestService;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;
import dev.coilsight.segmenter.SegmenterService;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.ChildJvm;
import dev.coilsight.testsupport.TestFiles;
import dev.coilsight.workerruntime.TinyModels;

/**
 * The whole line with the default models, laid out so that each part can fail for real: the broker and both
 * workers in JVMs of their own (stopped, killed, started again over the same folders and ports), the registry as
 * its child JVM, ingest in this JVM, and every committed output read back. Workers that exit are started again
 * at once, as an orchestrator would. The classifier serves its model through a link that a test can point at a
 * broken model, and halts (as a native crash) on the image id {@link #CRASHING_IMAGE}.
 */
final class FaultLine implements AutoCloseable {

    /** The workers' group session timeout: a dead member's partitions are not reassigned before it ends. */
    static final Duration SESSION_TIMEOUT = Duration.ofMinutes(2);

    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    static final String CRASHING_IMAGE = "fault-matrix-crashing-record";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final Path logs;
    private final int brokerPort = Ports.free();
    private final int controllerPort = Ports.free();
    private final ScheduledExecutorService orchestrator = Executors.newSingleThreadScheduledExecutor();
    private Process broker;
    private int brokerStarts;
    private LocalRegistry registry;
    private IngestService ingest;
    private WorkerProcess classifier;
    private WorkerProcess segmenter;
    private CommittedOutputs outputs;
    private Path goodClassifier;
    private Path brokenClassifier;

    private FaultLine(Path dir, Path logs) {
        this.dir = dir;
        this.logs = logs;
    }

    /** Starts the line with its data under {@code dir} and the processes' logs under {@code logs}. */
    static FaultLine start(Path dir, Path logs) throws Exception {
        Files.createDirectories(logs);
        FaultLine line = new FaultLine(dir, logs);
        try {
            line.startAll();
            return line;
        } catch (Exception | AssertionError e) {
            line.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        startBroker();
        registry = LocalRegistry.start(dir.resolve("registry"));
        try (Admin admin = admin()) {
            DevStack.createTopics(admin, 3);
        }
        DevStack.registerSchemas(registry.ccompatUrl());
        ingest = new IngestService(IngestConfig.fromEnv(new Env(Map.of(
                "COILSIGHT_BOOTSTRAP_SERVERS", bootstrapServers(),
                "COILSIGHT_SCHEMA_REGISTRY_URL", registry.ccompatUrl(),
                "COILSIGHT_HTTP_HOST", "127.0.0.1",
                "COILSIGHT_HTTP_PORT", "0",
                "COILSIGHT_INGEST_AUTH_DISABLED", "true"))));
        ingest.start();

        goodClassifier = TestFiles.copyTree(CHECKOUT.resolve("models/severstal-classifier"), dir.resolve("classifier-good"));
        brokenClassifier = brokenCopy(dir.resolve("classifier-broken"));
        Files.createSymbolicLink(dir.resolve("classifier"), goodClassifier);
        Map<String, String> classifierEnv = workerEnv("classifier");
        classifierEnv.put("COILSIGHT_MODEL_DIR", dir.resolve("classifier").toString());
        classifierEnv.put("HALT_ON_IMAGE_ID", CRASHING_IMAGE);
        classifier = new WorkerProcess("classifier", HaltingClassifierService.class, classifierEnv, logs, Integer.parseInt(classifierEnv.get("COILSIGHT_HTTP_PORT")));
        Map<String, String> segmenterEnv = workerEnv("segmenter");
        segmenterEnv.put("COILSIGHT_MODEL_DIR", CHECKOUT.resolve("models/severstal-resunet").toString());
        segmenter = new WorkerProcess("segmenter", SegmenterService.class, segmenterEnv, logs, Integer.parseInt(segmenterEnv.get("COILSIGHT_HTTP_PORT")));
        classifier.start();
        segmenter.start();
        orchestrator.scheduleWithFixedDelay(() -> {
            classifier.restartIfExited();
            segmenter.restartIfExited();
        }, 300, 300, TimeUnit.MILLISECONDS);
        outputs = new CommittedOutputs(bootstrapServers(), registry.ccompatUrl());
        Await.until(Duration.ofMinutes(2), () -> classifier.health() == 200 && segmenter.health() == 200, "both workers answer /health");
    }

    private Map<String, String> workerEnv(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("COILSIGHT_BOOTSTRAP_SERVERS", bootstrapServers());
        env.put("COILSIGHT_SCHEMA_REGISTRY_URL", registry.ccompatUrl());
        env.put("COILSIGHT_HTTP_HOST", "127.0.0.1");
        env.put("COILSIGHT_HTTP_PORT", String.valueOf(Ports.free()));
        // The same transactional id after every restart, as a StatefulSet gives: the new process fences the old one and,
        // a static member of the group under the same id, takes its partitions back without waiting out its session.
        env.put("COILSIGHT_TRANSACTIONAL_ID", "fault-matrix-" + name);
        // Longer than a restart may take, so that a partition taken back before it ends was taken back by the static membership.
        env.put("COILSIGHT_KAFKA_SESSION_TIMEOUT_MS", String.valueOf(SESSION_TIMEOUT.toMillis()));
        env.put("COILSIGHT_STATE_DIR", dir.resolve("state-" + name).toString());
        env.put("COILSIGHT_WORKER_THREADS", "1");
        env.put("COILSIGHT_MAX_BATCH_SIZE", "4");
        env.put("COILSIGHT_MODEL_POLL_MS", "500");
        env.put("COILSIGHT_MODEL_FAILURE_BATCHES", "2");
        env.put("TF_CPP_MIN_LOG_LEVEL", "2");
        return env;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    WorkerProcess classifier() {
        return classifier;
    }

    WorkerProcess segmenter() {
        return segmenter;
    }

    LocalRegistry registry() {
        return registry;
    }

    CommittedOutputs outputs() {
        return outputs;
    }

    Path goodClassifier() {
        return goodClassifier;
    }

    Path brokenClassifier() {
        return brokenClassifier;
    }

    void startBroker() throws IOException {
        broker = ChildJvm.start(BrokerProcess.class, List.of("-Xmx768m"),
                List.of(dir.resolve("kafka").toString(), String.valueOf(brokerPort), String.valueOf(controllerPort)), Map.of(),
                logs.resolve("broker-" + (++brokerStarts) + ".log"));
        Await.until(Duration.ofSeconds(90), this::brokerAnswers, "the broker answers at " + bootstrapServers());
    }

    /** SIGTERM, as an operator's restart: the broker shuts down cleanly. */
    void stopBroker() throws InterruptedException {
        broker.destroy();
        if (!broker.waitFor(90, TimeUnit.SECONDS)) {
            broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private boolean brokerAnswers() {
        if (!broker.isAlive()) {
            throw new IllegalStateException("the broker process ended with status " + broker.exitValue() + "; see " + logs);
        }
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** POSTs an image to ingest; returns its image id (a 202) or fails naming the answer. */
    String upload(String coilId, byte[] image, String contentType) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.httpPort()
                        + "/v1/coils/" + coilId + "/images")).header("Content-Type", contentType).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new AssertionError("ingest answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("imageId").asText();
    }

    /** Publishes an image event straight to the images topic (for an image id chosen by the test). */
    void publish(ImageCaptured image) throws Exception {
        try (SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(
                new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registry.ccompatUrl())), new AvroSerdeConfig(false));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.IMAGES, image.getCoilId().getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(Topics.IMAGES, image))).get(30, TimeUnit.SECONDS);
        }
    }

    /** Points the classifier's model link at another model folder, atomically; the worker takes it up within its poll. */
    void pointClassifierAt(Path model) throws IOException {
        Path next = dir.resolve("classifier.next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, model);
        Files.move(next, dir.resolve("classifier"), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Waits until none of the images is missing an outcome (or the timeout), then a quiet while for late
     * duplicates; returns the tally.
     */
    Tally settle(Set<String> accepted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Tally.of(accepted, outputs).lost() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        Thread.sleep(3_000);
        return Tally.of(accepted, outputs);
    }


    /**
     * A small network of the classifier's kind under a card that feeds it three channels where it takes one: it loads,
     * and every forward pass fails, on a blank input too. (The default model is no such fault: its first layer's width
     * is a multiple of three, and TensorFlow runs the three channels as a grouped convolution.)
     */
    private static Path brokenCopy(Path to) throws IOException {
        TinyModels.classifier(to, "severstal-classifier", "1-broken", 11, 0.5);
        ObjectNode card = (ObjectNode) JSON.readTree(to.resolve("model.json").toFile());
        ObjectNode input = (ObjectNode) card.get("input");
        input.put("channels", 3);
        input.putArray("mean").add(0.0).add(0.0).add(0.0);
        input.putArray("std").add(1.0).add(1.0).add(1.0);
        JSON.writerWithDefaultPrettyPrinter().writeValue(to.resolve("model.json").toFile(), card);
        return to;
    }

    @Override
    public void close() throws Exception {
        orchestrator.shutdownNow();
        for (AutoCloseable part : new AutoCloseable[] {outputs, classifier, segmenter, ingest, registry}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    // stopping the rest matters more
                }
            }
        }
        if (broker != null) {
            stopBroker();
        }
    }

    /** A second ingest of the line that watches a drop folder root; the caller starts and closes it. */
    IngestService dropFolderIngest(Path root) throws IOException {
        return new IngestService(IngestConfig.fromEnv(new Env(Map.of(
                "COILSIGHT_BOOTSTRAP_SERVERS", bootstrapServers(),
                "COILSIGHT_SCHEMA_REGISTRY_URL", registry.ccompatUrl(),
                "COILSIGHT_HTTP_HOST", "127.0.0.1",
                "COILSIGHT_HTTP_PORT", "0",
                "COILSIGHT_INGEST_AUTH_DISABLED", "true",
                "COILSIGHT_DROP_ROOT", root.toString(),
                "COILSIGHT_DROP_STABLE_MS", "1500",
                "COILSIGHT_DROP_POLL_MS", "200"))));
    }

    /** The status of a service's {@code GET /ready} on loopback, or -1 while nothing answers. */
    static int ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
