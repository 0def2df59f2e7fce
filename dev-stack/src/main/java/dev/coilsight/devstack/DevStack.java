package dev.coilsight.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.analytics.AnalyticsConfig;
import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.classifier.ClassifierService;
import dev.coilsight.classifier.ClassifierStage;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.embedded.LocalRegistry;
import dev.coilsight.embedded.TopicCreator;
import dev.coilsight.ingest.IngestConfig;
import dev.coilsight.ingest.IngestService;
import dev.coilsight.schemas.Contracts;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.registry.CompatibilityLevel;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.segmenter.SegmenterService;
import dev.coilsight.segmenter.SegmenterStage;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.WorkerConfig;

/**
 * The whole system on this machine: a Kafka broker in this JVM, an Apicurio registry as a child JVM,
 * the topics and schemas, and ingest, classifier, segmenter and coil-analytics configured exactly as
 * their own {@code main}s would be, from {@code COILSIGHT_*} settings. {@link #close()} stops everything in
 * reverse order; the registry's watchdog also stops it if this JVM is killed.
 */
public final class DevStack implements AutoCloseable {

    /** Ports and folders of one run. */
    public record Settings(Path dataDir, Path classifierModel, Path segmenterModel, int kafkaPort, int registryPort, int ingestPort,
            int dashboardPort, int partitions, int workerThreads, int maxBatchSize) {
    }

    private static final Logger log = LoggerFactory.getLogger(DevStack.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Settings settings;
    private final String ingestToken = UUID.randomUUID().toString().replace("-", "");
    private LocalKafka kafka;
    private LocalRegistry registry;
    private IngestService ingest;
    private AnalyticsService analytics;

    private DevStack(Settings settings) {
        this.settings = settings;
    }

    /** Starts every part; on any failure stops what had started and rethrows. */
    public static DevStack start(Settings settings, StartListener listener) {
        DevStack stack = new DevStack(settings);
        try {
            stack.startAll(listener);
            return stack;
        } catch (RuntimeException | IOException e) {
            stack.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Told about each part as it comes up, for the user watching the terminal. */
    public interface StartListener {
        void started(String part, String where);
    }

    private void startAll(StartListener listener) throws IOException {
        Files.createDirectories(settings.dataDir());
        kafka = keep(LocalKafka.start(settings.dataDir().resolve("kafka"), settings.kafkaPort()));
        listener.started("Kafka broker (KRaft, in-process)", kafka.bootstrapServers());
        registry = keep(LocalRegistry.start(settings.dataDir().resolve("registry"), settings.registryPort()));
        listener.started("schema registry (Apicurio, child JVM)", registry.ccompatUrl());

        try (Admin admin = kafka.admin()) {
            createTopics(admin, settings.partitions());
        }
        registerSchemas(registry.ccompatUrl());
        listener.started("topics and schemas", String.join(", ", Topics.all()));

        ingest = keep(new IngestService(IngestConfig.fromEnv(env(Map.of(
                "COILSIGHT_HTTP_HOST", "127.0.0.1",
                "COILSIGHT_HTTP_PORT", String.valueOf(settings.ingestPort()),
                "COILSIGHT_INGEST_TOKEN", ingestToken)))));
        ingest.start();
        listener.started("ingest (HTTP uploads)", "http://127.0.0.1:" + ingest.httpPort() + "/v1/coils/{coilId}/images");

        InferenceWorker<?> classifier = keep(new InferenceWorker<>(
                WorkerConfig.fromEnv(env(worker(settings.classifierModel())), ClassifierService.DEFAULTS),
                new ClassifierStage(Topics.CLASSIFICATIONS, Topics.DEFECTIVE_IMAGES)));
        classifier.start();
        listener.started("classifier worker (" + settings.classifierModel().getFileName() + ")", "ops on port " + classifier.httpPort());
        InferenceWorker<?> segmenter = keep(new InferenceWorker<>(
                WorkerConfig.fromEnv(env(worker(settings.segmenterModel())), SegmenterService.DEFAULTS),
                new SegmenterStage(Topics.DEFECTS)));
        segmenter.start();
        listener.started("segmenter worker (" + settings.segmenterModel().getFileName() + ")", "ops on port " + segmenter.httpPort());

        analytics = keep(new AnalyticsService(AnalyticsConfig.fromEnv(env(Map.of(
                "COILSIGHT_HTTP_HOST", "127.0.0.1",
                "COILSIGHT_HTTP_PORT", String.valueOf(settings.dashboardPort()),
                "COILSIGHT_APPLICATION_SERVER", "127.0.0.1",
                "COILSIGHT_STATE_DIR", settings.dataDir().resolve("analytics").toString(),
                // Bound to 127.0.0.1 only: the demo's dashboard needs no token.
                "COILSIGHT_ANALYTICS_AUTH_DISABLED", "true",
                // Short windows and fast commits: a demo of a few minutes should show a trend and react at once;
                // a long grace, because on a small machine the workers lag the replay by minutes.
                "COILSIGHT_WINDOW_SIZE_MS", "30000",
                "COILSIGHT_WINDOW_GRACE_MS", "600000",
                "COILSIGHT_KAFKA_COMMIT_INTERVAL_MS", "500")))));
        analytics.start();
        listener.started("coil-analytics (REST API + dashboard, no token: demo on 127.0.0.1)", dashboardUrl());
    }

    /**
     * Starts a candidate segmenter in shadow beside the live one: the same defective images, its own group, its results
     * on {@code steel.defects.shadow}, which coil-analytics compares with the live results and the reviews. Returns its
     * ops port (/metrics).
     */
    public synchronized int startShadowSegmenter(Path model) {
        Map<String, String> env = worker(model);
        env.put("COILSIGHT_SHADOW", "true");
        env.put("COILSIGHT_TRANSACTIONAL_ID", "demo-shadow-" + model.getFileName() + "-" + ProcessHandle.current().pid());
        env.put("COILSIGHT_STATE_DIR", settings.dataDir().resolve("workers-shadow").toString());
        Env shadowEnv = env(env);
        try {
            InferenceWorker<?> shadow = keep(new InferenceWorker<>(WorkerConfig.fromEnv(shadowEnv, SegmenterService.DEFAULTS),
                    SegmenterService.stage(shadowEnv)));
            shadow.start();
            return shadow.httpPort();
        } catch (IOException e) {
            throw new UncheckedIOException("the shadow segmenter did not start: " + e.getMessage(), e);
        }
    }

    private Map<String, String> worker(Path model) {
        Map<String, String> env = new HashMap<>();
        env.put("COILSIGHT_MODEL_DIR", model.toString());
        env.put("COILSIGHT_HTTP_HOST", "127.0.0.1");
        env.put("COILSIGHT_HTTP_PORT", "0");
        env.put("COILSIGHT_WORKER_THREADS", String.valueOf(settings.workerThreads()));
        env.put("COILSIGHT_MAX_BATCH_SIZE", String.valueOf(settings.maxBatchSize()));
        env.put("COILSIGHT_TRANSACTIONAL_ID", "demo-" + model.getFileName() + "-" + ProcessHandle.current().pid());
        // Offsets name records only within this broker: the crash-loop breaker's journals live with its data.
        env.put("COILSIGHT_STATE_DIR", settings.dataDir().resolve("workers").toString());
        return env;
    }

    /** The settings every part shares, plus its own. */
    private Env env(Map<String, String> own) {
        Map<String, String> env = new HashMap<>(own);
        env.put("COILSIGHT_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("COILSIGHT_SCHEMA_REGISTRY_URL", registry.ccompatUrl());
        return new Env(env);
    }

    /** How long reviews (and the images in them) are kept: 180 days. */
    public static final long REVIEW_RETENTION_MS = 180L * 24 * 3600 * 1000;

    /** The system's topics, {@code partitions} each (the dead-letter topic one); image topics take records up to the broker's limit. */
    public static void createTopics(Admin admin, int partitions) {
        Map<String, String> imageTopic = Map.of("max.message.bytes", String.valueOf(LocalKafka.MAX_MESSAGE_BYTES));
        TopicCreator.create(admin, partitions, imageTopic, Topics.IMAGES, Topics.DEFECTIVE_IMAGES, Topics.AUDIT_IMAGES);
        TopicCreator.create(admin, partitions, Map.of(), Topics.CLASSIFICATIONS, Topics.DEFECTS, Topics.COIL_ENDS, Topics.ALERTS,
                Topics.CLASSIFICATIONS_SHADOW, Topics.DEFECTS_SHADOW);
        TopicCreator.create(admin, partitions, Map.of("cleanup.policy", "compact"), Topics.COIL_STATS, Topics.COIL_GRADES);
        TopicCreator.create(admin, 1, imageTopic, Topics.DLQ);
        // Reviews carry their image: they are the labelled examples export-labels reads, kept for half a year.
        TopicCreator.create(admin, partitions, Map.of("max.message.bytes", String.valueOf(LocalKafka.MAX_MESSAGE_BYTES),
                "retention.ms", String.valueOf(REVIEW_RETENTION_MS)), Topics.REVIEWS);
    }

    /** Registers every record's schema under its topic's subject, with BACKWARD compatibility. */
    public static void registerSchemas(String registryUrl) {
        try (SchemaRegistryClient client = new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl))) {
            for (Contracts.Contract contract : Contracts.all()) {
                client.register(contract.valueSubject(), contract.valueSchema());
                client.setCompatibility(contract.valueSubject(), CompatibilityLevel.BACKWARD);
            }
        }
    }

    private <T extends AutoCloseable> T keep(T part) {
        started.push(part);
        return part;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.ccompatUrl();
    }

    public String dashboardUrl() {
        return "http://127.0.0.1:" + analytics.httpPort() + "/";
    }

    public int dashboardPort() {
        return analytics.httpPort();
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + ingest.httpPort();
    }

    public String ingestToken() {
        return ingestToken;
    }

    public List<String> topics() {
        return Topics.all();
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
