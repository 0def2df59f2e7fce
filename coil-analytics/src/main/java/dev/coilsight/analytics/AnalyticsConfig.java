package dev.coilsight.analytics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import dev.coilsight.analytics.dlq.DeadLetterHandlers;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.HttpSettings;
import dev.coilsight.analytics.review.ReviewerTokens;
import dev.coilsight.analytics.shadow.ShadowSettings;
import dev.coilsight.analytics.topology.BoundedRocksDb;
import dev.coilsight.schemas.Topics;

/**
 * coil-analytics settings from environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code COILSIGHT_BOOTSTRAP_SERVERS} [localhost:9092], {@code COILSIGHT_SCHEMA_REGISTRY_URL} [http://localhost:8081],
 *       {@code COILSIGHT_SCHEMA_REGISTRY_USER_INFO} [none], {@code COILSIGHT_AUTO_REGISTER_SCHEMAS} [true]</li>
 *   <li>{@code COILSIGHT_APPLICATION_ID} [coilsight-analytics]: the Kafka Streams application (consumer group, internal topic prefix)</li>
 *   <li>{@code COILSIGHT_STATE_DIR} [&lt;tmp&gt;/coilsight-analytics]: local state stores; keep it on a volume so a restart
 *       does not replay the changelogs</li>
 *   <li>{@code COILSIGHT_HTTP_*}: REST API, dashboard, /health, /ready, /metrics ({@link HttpSettings}; port 8090, 32 requests at once)</li>
 *   <li>{@code COILSIGHT_ANALYTICS_TOKEN}: viewer tokens of the API and dashboard (comma-separated, for rotation),
 *       {@code COILSIGHT_ANALYTICS_INTERNAL_TOKEN}: the instances' token for each other; both required unless
 *       {@code COILSIGHT_ANALYTICS_AUTH_DISABLED} [false] is true (local use); {@code COILSIGHT_ANALYTICS_REVIEWER_TOKENS}
 *       [none]: {@code name=token} pairs of the people who may review (reviews record the name)</li>
 *   <li>{@code COILSIGHT_APPLICATION_SERVER} [&lt;hostname&gt;:&lt;http port&gt;]: where other instances reach this one for
 *       interactive queries (in Kubernetes the pod's stable DNS name); a host without a port means the HTTP port bound</li>
 *   <li>{@code COILSIGHT_GROUP_INSTANCE_ID} [none]: this instance's stable name in the consumer group (Kafka's static
 *       membership; in Kubernetes the StatefulSet pod's name): restarted under it, the instance has its coils back at once
 *       instead of after its session timeout. Unique per instance; unset: dynamic membership</li>
 *   <li>{@code COILSIGHT_TOPIC_CLASSIFICATIONS} [steel.classifications], {@code COILSIGHT_TOPIC_DEFECTS} [steel.defects],
 *       {@code COILSIGHT_TOPIC_DEFECTIVE} [steel.images.defective], {@code COILSIGHT_TOPIC_COIL_ENDS} [steel.coil-ends],
 *       {@code COILSIGHT_TOPIC_COIL_STATS} [steel.coil-stats], {@code COILSIGHT_TOPIC_COIL_GRADES} [steel.coil-grades],
 *       {@code COILSIGHT_TOPIC_ALERTS} [steel.alerts], {@code COILSIGHT_TOPIC_DLQ} [steel.dlq], {@code COILSIGHT_TOPIC_REVIEWS} [steel.reviews],
 *       {@code COILSIGHT_TOPIC_AUDIT} [steel.images.audit] and {@code COILSIGHT_AUDIT_IMAGES} [50]: the latest images sent for audit each instance keeps</li>
 *   <li>the coil map, coil ends, grading and alerts: {@link QualitySettings}; the shadow model's comparison: {@link ShadowSettings}</li>
 *   <li>{@code COILSIGHT_WINDOW_SIZE_MS} [60000], {@code COILSIGHT_WINDOW_GRACE_MS} [30000]: tumbling windows of capture time
 *       and how late a result may arrive and still count; {@code COILSIGHT_WINDOW_RETENTION_MS} [86400000]: how long windows are kept</li>
 *   <li>{@code COILSIGHT_COIL_RETENTION_MS} [604800000]: a coil with no record for that long (in capture time) is removed
 *       from every store and from the coil-stats topic; at least the window retention</li>
 *   <li>{@code COILSIGHT_RECENT_DEFECTS_PER_COIL} [20], {@code COILSIGHT_RECENT_IMAGES_PER_COIL} [8]: segmentations and images
 *       (bytes included) kept per coil for the dashboard</li>
 *   <li>{@code COILSIGHT_IMAGE_RETENTION_MS} [172800000, at most the coil retention]: a coil quiet for that long keeps its
 *       figures, map and grade but no longer its images' bytes, the bulk of the state</li>
 *   <li>{@code COILSIGHT_STREAM_THREADS} [1]</li>
 *   <li>{@code COILSIGHT_ROCKSDB_MEMORY_MB} [256]: what all local state stores together may hold outside the Java heap
 *       (block cache, memtables, indexes; {@link BoundedRocksDb})</li>
 *   <li>{@code COILSIGHT_KAFKA_*}: passed to Kafka Streams and its clients (e.g. {@code COILSIGHT_KAFKA_SECURITY_PROTOCOL}),
 *       overriding the settings above</li>
 * </ul>
 */
public record AnalyticsConfig(
        ClusterSettings cluster,
        String applicationId,
        Path stateDir,
        HttpSettings http,
        Optional<String> viewerTokens,
        Optional<String> internalToken,
        boolean authDisabled,
        Optional<ReviewerTokens> reviewers,
        Optional<String> applicationServer,
        Optional<String> groupInstanceId,
        CoilAnalyticsTopology.Topics topics,
        String dlqTopic,
        String reviewsTopic,
        String auditTopic,
        int auditImages,
        CoilAnalyticsTopology.Settings settings,
        QualitySettings quality,
        ShadowSettings shadow,
        int streamThreads,
        int rocksDbMemoryMb) {

    public static final int DEFAULT_HTTP_PORT = 8090;

    public AnalyticsConfig {
        if (!authDisabled && (viewerTokens.isEmpty() || internalToken.isEmpty())) {
            throw new IllegalArgumentException("COILSIGHT_ANALYTICS_TOKEN (viewers of the API and dashboard) and "
                    + "COILSIGHT_ANALYTICS_INTERNAL_TOKEN (instance-to-instance queries) are required; set "
                    + "COILSIGHT_ANALYTICS_AUTH_DISABLED=true only for local use");
        }
        applicationServer.ifPresent(AnalyticsConfig::checkHostPort);
        groupInstanceId.ifPresent(AnalyticsConfig::checkGroupInstanceId);
    }

    public static AnalyticsConfig fromEnv(Env env) {
        Duration windowRetention = env.millis("COILSIGHT_WINDOW_RETENTION_MS", Duration.ofDays(1).toMillis());
        Duration coilRetention = env.millis("COILSIGHT_COIL_RETENTION_MS", Duration.ofDays(7).toMillis());
        if (coilRetention.compareTo(windowRetention) < 0) {
            throw new IllegalArgumentException("COILSIGHT_COIL_RETENTION_MS (" + coilRetention.toMillis()
                    + ") must be at least COILSIGHT_WINDOW_RETENTION_MS (" + windowRetention.toMillis()
                    + "): a coil's windows must not outlive its figures");
        }
        Duration imageRetention = env.millis("COILSIGHT_IMAGE_RETENTION_MS", Math.min(Duration.ofDays(2).toMillis(), coilRetention.toMillis()));
        if (imageRetention.compareTo(coilRetention) > 0 || imageRetention.isZero() || imageRetention.isNegative()) {
            throw new IllegalArgumentException("COILSIGHT_IMAGE_RETENTION_MS (" + imageRetention.toMillis()
                    + ") must be positive and at most COILSIGHT_COIL_RETENTION_MS (" + coilRetention.toMillis() + "): images are part of their coil");
        }
        CoilAnalyticsTopology.Settings settings;
        try {
            settings = new CoilAnalyticsTopology.Settings(
                    env.millis("COILSIGHT_WINDOW_SIZE_MS", 60_000),
                    env.millis("COILSIGHT_WINDOW_GRACE_MS", 30_000),
                    windowRetention,
                    coilRetention,
                    env.atLeast("COILSIGHT_RECENT_DEFECTS_PER_COIL", 20, 1),
                    env.atLeast("COILSIGHT_RECENT_IMAGES_PER_COIL", 8, 0),
                    imageRetention);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("COILSIGHT_WINDOW_*: " + e.getMessage(), e);
        }
        return new AnalyticsConfig(
                ClusterSettings.fromEnv(env),
                env.string("COILSIGHT_APPLICATION_ID", "coilsight-analytics"),
                Path.of(env.string("COILSIGHT_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "coilsight-analytics").toString())),
                HttpSettings.fromEnv(env, DEFAULT_HTTP_PORT, 32),
                env.optional("COILSIGHT_ANALYTICS_TOKEN"),
                env.optional("COILSIGHT_ANALYTICS_INTERNAL_TOKEN"),
                env.flag("COILSIGHT_ANALYTICS_AUTH_DISABLED", false),
                env.optional(ReviewerTokens.VARIABLE).map(ReviewerTokens::parse),
                env.optional("COILSIGHT_APPLICATION_SERVER"),
                env.optional("COILSIGHT_GROUP_INSTANCE_ID"),
                new CoilAnalyticsTopology.Topics(
                        env.string("COILSIGHT_TOPIC_CLASSIFICATIONS", Topics.CLASSIFICATIONS),
                        env.string("COILSIGHT_TOPIC_DEFECTS", Topics.DEFECTS),
                        env.string("COILSIGHT_TOPIC_DEFECTIVE", Topics.DEFECTIVE_IMAGES),
                        env.string("COILSIGHT_TOPIC_COIL_ENDS", Topics.COIL_ENDS),
                        env.string("COILSIGHT_TOPIC_COIL_STATS", Topics.COIL_STATS),
                        env.string("COILSIGHT_TOPIC_COIL_GRADES", Topics.COIL_GRADES),
                        env.string("COILSIGHT_TOPIC_ALERTS", Topics.ALERTS)),
                env.string("COILSIGHT_TOPIC_DLQ", Topics.DLQ),
                env.string("COILSIGHT_TOPIC_REVIEWS", Topics.REVIEWS),
                env.string("COILSIGHT_TOPIC_AUDIT", Topics.AUDIT_IMAGES),
                env.atLeast("COILSIGHT_AUDIT_IMAGES", 50, 1),
                settings,
                QualitySettings.fromEnv(env),
                ShadowSettings.fromEnv(env),
                env.atLeast("COILSIGHT_STREAM_THREADS", 1, 1),
                env.atLeast("COILSIGHT_ROCKSDB_MEMORY_MB", 256, 16));
    }

    /** The advertised host:port for interactive queries, given the port the HTTP server really bound. */
    public String advertisedServer(int boundPort) {
        String server = applicationServer.orElseGet(Env::hostname);
        return server.indexOf(':') > 0 ? server : server + ":" + boundPort;
    }

    /** Kafka Streams settings: exactly-once, dead letters, room for image-sized records, then COILSIGHT_KAFKA_* overrides. */
    public Properties streamsProperties(String advertisedServer) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedServer);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // Streams appends each stream thread's number, so that every thread's consumer has a name of its own.
        groupInstanceId.ifPresent(id -> p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        p.put("processing.exception.handler.global.enabled", true);
        p.put(DeadLetterHandlers.TOPIC_CONFIG, dlqTopic);
        p.put(DeadLetterHandlers.STAGE_CONFIG, "coil-analytics");
        // The prefixed key would win over a plant's COILSIGHT_KAFKA_MAX_REQUEST_SIZE: that one, where set, takes its place.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                cluster.kafka().getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(CoilAnalyticsTopology.MAX_RECORD_BYTES)));
        // Internal topics may carry images (the repartitioned defective images): room for them as for the changelog.
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), String.valueOf(CoilAnalyticsTopology.MAX_RECORD_BYTES));
        p.putAll(cluster.kafka());
        return p;
    }

    /** Admin client settings for start-up reads: the cluster and its security settings from COILSIGHT_KAFKA_*. */
    public Map<String, Object> adminSettings() {
        return cluster.admin();
    }

    /** Settings of a plain consumer on the cluster (security from COILSIGHT_KAFKA_*) that reads Avro with the registry. */
    public Map<String, Object> consumerSettings() {
        Map<String, Object> out = cluster.consumer();
        out.putAll(cluster.registry());
        return out;
    }

    /** Settings of a producer on the cluster (security from COILSIGHT_KAFKA_*) that writes Avro with the registry. */
    public Map<String, Object> producerSettings() {
        Map<String, Object> out = cluster.producer();
        out.putAll(cluster.registry());
        return out;
    }

    /** As the broker checks it: at most 249 of {@code [a-zA-Z0-9._-]}, so that a bad name fails here, not at the first join. */
    private static void checkGroupInstanceId(String id) {
        if (!id.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("COILSIGHT_GROUP_INSTANCE_ID must be 1-249 of the characters a-z A-Z 0-9 . _ -, got '"
                    + id + "'");
        }
    }

    private static void checkHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 && !hostPort.isBlank()) {
            return;
        }
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("COILSIGHT_APPLICATION_SERVER must be host or host:port, got '" + hostPort + "'");
        }
        try {
            Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("COILSIGHT_APPLICATION_SERVER must be host or host:port, got '" + hostPort + "'");
        }
    }
}
