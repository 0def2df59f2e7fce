package dev.coilsight.analytics;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.analytics.http.AccessGuard;
import dev.coilsight.analytics.http.AnalyticsRoutes;
import dev.coilsight.analytics.http.ReviewApi;
import dev.coilsight.analytics.review.AuditImages;
import dev.coilsight.analytics.review.KafkaReviewSink;
import dev.coilsight.analytics.review.ReviewDesk;
import dev.coilsight.analytics.review.StoredImages;
import dev.coilsight.analytics.shadow.ShadowComparison;
import dev.coilsight.analytics.recent.ResultsFeed;
import dev.coilsight.serviceruntime.http.BearerTokens;
import dev.coilsight.serviceruntime.http.HttpFront;
import dev.coilsight.analytics.http.AnalyticsApi;
import dev.coilsight.analytics.quality.RecentAlerts;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.analytics.query.QueryRouter;
import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.analytics.topology.BoundedRocksDb;
import dev.coilsight.analytics.topology.PartitionLayout;
import dev.coilsight.serviceruntime.ServiceHelp;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.QualityAlert;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.SchemaRegistryException;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroSerde;

/**
 * coil-analytics: the per-coil aggregation (Kafka Streams, exactly-once), its interactive-query REST
 * API, the live dashboard at {@code /}, and {@code /health}, {@code /ready}, {@code /metrics}, all on
 * one HTTP port. Configured by {@link AnalyticsConfig}.
 */
public final class AnalyticsService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnalyticsService.class);
    /** When a registry outage was last logged, and the thread failures it caused since. */
    private static final java.util.concurrent.atomic.AtomicLong registryOutageLoggedAt = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong registryOutageFailures = new java.util.concurrent.atomic.AtomicLong();
    /** How many of the latest alerts each instance keeps for the dashboard. */
    private static final int RECENT_ALERTS = 200;

    private final SchemaRegistryClient registry;
    private final HttpFront http;
    private final KafkaStreams streams;
    private final AnalyticsMetrics metrics;
    private final String advertised;
    private final RecentAlerts alerts;
    private final KafkaReviewSink reviews;
    private final ResultsFeed resultsFeed;
    private final AuditImages audits;
    /** How long a review's id is remembered, so that a retry publishes nothing new, and how many ids at most. */
    private static final Duration REVIEW_RETRY_WINDOW = Duration.ofHours(24);
    private static final int REVIEW_IDS_KEPT = 20_000;

    public AnalyticsService(AnalyticsConfig config) throws IOException {
        int imagePartitions = imagePartitions(config);
        BoundedRocksDb.budget(config.rocksDbMemoryMb() * 1024L * 1024);
        registry = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(config.cluster().registry()));
        // Bind first: the advertised application.server must carry the port really bound (0 = any free port).
        http = new HttpFront("coil-analytics", config.http(), this::health, this::ready, this::scrape);
        advertised = config.advertisedServer(http.bind());
        metrics = new AnalyticsMetrics(Clock.systemUTC(), config.quality().rules().namedLines());
        Topology topology = CoilAnalyticsTopology.build(config.topics(), config.settings(), config.quality(),
                serdes(registry, config.cluster().autoRegisterSchemas()), Clock.systemUTC(), metrics,
                imagePartitions);
        streams = new KafkaStreams(topology, config.streamsProperties(advertised));
        streams.setUncaughtExceptionHandler(e -> onThreadFailure(e, config.groupInstanceId()));
        streams.setStateListener((now, before) -> log.info("aggregation {} -> {}", before, now));
        metrics.watch(streams);
        QueryRouter router = new QueryRouter(streams, HostInfo.buildFromEndpoint(advertised));
        CoilQueries queries = new CoilQueries(streams, config.settings().windowSize().toMillis(), config.settings().recentImagesPerCoil() > 0);
        Optional<BearerTokens> internalTokens = config.authDisabled() ? Optional.empty()
                : Optional.of(BearerTokens.of("COILSIGHT_ANALYTICS_INTERNAL_TOKEN", config.internalToken().orElseThrow()));
        alerts = new RecentAlerts(config.consumerSettings(), config.topics().alerts(), RECENT_ALERTS);
        ShadowComparison comparison = new ShadowComparison(config.shadow().images());
        audits = new AuditImages(config.consumerSettings(), config.auditTopic(), config.auditImages());
        AnalyticsApi api = new AnalyticsApi(router, queries, config.quality(), Optional.of(alerts), comparison, audits,
                internalTokens.map(BearerTokens::first));
        AccessGuard access = internalTokens.isEmpty() ? AccessGuard.open() : AccessGuard.of(
                BearerTokens.of("COILSIGHT_ANALYTICS_TOKEN", config.viewerTokens().orElseThrow()), internalTokens.get(), config.reviewers());
        reviews = new KafkaReviewSink(config.producerSettings(), config.cluster().autoRegisterSchemas(), config.reviewsTopic());
        ReviewDesk desk = new ReviewDesk(new StoredImages(queries, audits), reviews, Clock.systemUTC(), REVIEW_RETRY_WINDOW, REVIEW_IDS_KEPT);
        resultsFeed = new ResultsFeed(config.consumerSettings(), config.shadow(), config.topics().defects(), config.topics().classifications(),
                config.reviewsTopic(), comparison, desk);
        ReviewApi reviewApi = new ReviewApi(router, desk, internalTokens.map(BearerTokens::first));
        if (config.authDisabled()) {
            log.warn("COILSIGHT_ANALYTICS_AUTH_DISABLED=true: the API and the dashboard answer anyone who reaches port {}", http.port());
        }
        AnalyticsRoutes routes = new AnalyticsRoutes(api, reviewApi, access, metrics::request);
        AnalyticsRoutes.CONTEXTS.forEach(context -> http.route(context, routes));
    }

    private static int imagePartitions(AnalyticsConfig config) {
        try {
            return PartitionLayout.imagePartitions(config.adminSettings(), config.topics(), PartitionLayout.PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the input topics' partition counts", e);
        }
    }

    /** The serdes of the topology, sharing one registry client. */
    public static CoilAnalyticsTopology.RecordSerdes serdes(SchemaRegistryClient registry, boolean autoRegisterPublic) {
        AvroSerdeConfig internal = new AvroSerdeConfig(true);
        return new CoilAnalyticsTopology.RecordSerdes(
                serde(registry, ImageClassified.class, internal),
                serde(registry, DefectSegmentation.class, internal),
                serde(registry, DefectiveImage.class, internal),
                serde(registry, CoilEnded.class, internal),
                serde(registry, CoilDefectStats.class, internal),
                serde(registry, CoilDefectStats.class, new AvroSerdeConfig(autoRegisterPublic)),
                serde(registry, CoilGraded.class, internal),
                serde(registry, CoilGraded.class, new AvroSerdeConfig(autoRegisterPublic)),
                serde(registry, QualityAlert.class, new AvroSerdeConfig(autoRegisterPublic)));
    }

    private static <T extends SpecificRecord> Serde<T> serde(SchemaRegistryClient registry, Class<T> type, AvroSerdeConfig config) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(registry, type, config);
        serde.configure(Map.of(), false);
        return serde;
    }

    /**
     * A failed stream thread is replaced, unless another process joined under this instance's group membership: a new
     * thread would join under the next thread number and hide that two instances share a name, so this one stops
     * instead (its /health goes DOWN) and says why.
     */
    static StreamThreadExceptionResponse onThreadFailure(Throwable failure, Optional<String> groupInstanceId) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FencedInstanceIdException) {
                log.error("another instance joined the group as COILSIGHT_GROUP_INSTANCE_ID={}; stopping this one: {}",
                        groupInstanceId.orElse("?"), cause.getMessage());
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        int status = registryStatus(failure);
        if (status == 401 || status == 403) {
            log.error("the schema registry refuses coil-analytics' credentials ({}): check COILSIGHT_SCHEMA_REGISTRY_USER_INFO; stream thread "
                    + "replaced: {}", status, rootCause(failure));
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        if (SchemaRegistryException.passing(failure)) {
            // Expected while the registry is away (a record it cannot resolve yet fails its thread, which reads it again):
            // one line every 30 s, not an error with a misleading outer message per replaced thread.
            long now = System.nanoTime();
            long last = registryOutageLoggedAt.get();
            registryOutageFailures.incrementAndGet();
            if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(30)) && registryOutageLoggedAt.compareAndSet(last, now)) {
                log.warn("the schema registry cannot be reached: stream thread replaced, its records are read again once it answers "
                        + "({} such failures since the last line): {}", registryOutageFailures.getAndSet(0), rootCause(failure));
            }
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        log.error("stream thread failed, replacing it", failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** The HTTP status of the registry's answer in the failure's causes, or -1. */
    private static int registryStatus(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException e) {
                return e.httpStatus();
            }
        }
        return -1;
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    public void start() {
        streams.start();
        alerts.start();
        resultsFeed.start();
        audits.start();
        http.start();
        log.info("coil-analytics started: API and dashboard on http://{}/ (advertised for interactive queries)", advertised);
    }

    /** The port the HTTP server bound. */
    public int httpPort() {
        return http.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    private byte[] scrape() {
        return metrics.scrape();
    }

    private HttpFront.Status health() {
        KafkaStreams.State state = streams.state();
        boolean up = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING && state != KafkaStreams.State.PENDING_SHUTDOWN;
        return new HttpFront.Status(up, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"streams\":\"" + state + "\"}");
    }

    private HttpFront.Status ready() {
        KafkaStreams.State state = streams.state();
        boolean up = state == KafkaStreams.State.RUNNING;
        return new HttpFront.Status(up, "{\"ready\":" + up + ",\"streams\":\"" + state + "\",\"applicationServer\":\"" + advertised + "\"}");
    }

    @Override
    public void close() {
        http.close();
        reviews.close();
        alerts.close();
        resultsFeed.close();
        audits.close();
        // Streams' consumers stay in the group on close unless told, and the others would wait out this instance's
        // session (45 s) before taking over its coils: an instance that stops hands them over now.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
        registry.close();
    }

    public static void main(String[] args) throws Exception {
        Optional<AnalyticsConfig> settings = ServiceHelp.settingsOrExit(args, "analytics",
                "Runs coil-analytics: per-coil defect rates (Kafka Streams), the REST API and the live dashboard.",
                "docs/ANALYTICS.md", AnalyticsConfig::fromEnv,
                Map.of("COILSIGHT_ANALYTICS_TOKEN", "-", "COILSIGHT_ANALYTICS_INTERNAL_TOKEN", "-"));
        if (settings.isEmpty()) {
            return;
        }
        AnalyticsConfig config = settings.get();
        AnalyticsService service;
        try {
            service = new AnalyticsService(config);
        } catch (IOException | RuntimeException e) {
            System.err.println("coil-analytics: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping coil-analytics");
            service.close();
            stopped.countDown();
        }, "coil-analytics-shutdown"));
        service.start();
        stopped.await();
    }
}
