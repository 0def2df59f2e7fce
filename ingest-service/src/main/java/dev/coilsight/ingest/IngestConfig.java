package dev.coilsight.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.HttpSettings;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.schemas.Topics;

/**
 * Settings of the ingest service, from environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code COILSIGHT_BOOTSTRAP_SERVERS} [localhost:9092], {@code COILSIGHT_SCHEMA_REGISTRY_URL} [http://localhost:8081],
 *       {@code COILSIGHT_SCHEMA_REGISTRY_USER_INFO} [none], {@code COILSIGHT_AUTO_REGISTER_SCHEMAS} [true],
 *       {@code COILSIGHT_TOPIC_IMAGES} [steel.images], {@code COILSIGHT_TOPIC_COIL_ENDS} [steel.coil-ends]</li>
 *   <li>{@code COILSIGHT_HTTP_*}: uploads, /openapi.json, /health, /ready, /metrics ({@link HttpSettings}; port 8080, 16 requests at once)</li>
 *   <li>{@code COILSIGHT_INGEST_TOKEN}: bearer token required on POST; {@code COILSIGHT_INGEST_AUTH_DISABLED} [false]
 *       turns the check off for local use (then no token is needed)</li>
 *   <li>{@code COILSIGHT_MAX_IMAGE_BYTES} [1000000, under Kafka's default 1 MiB message limit],
 *       {@code COILSIGHT_MAX_IMAGE_WIDTH} [8192], {@code COILSIGHT_MAX_IMAGE_HEIGHT} [8192], {@code COILSIGHT_MAX_IMAGE_PIXELS} [40000000]</li>
 *   <li>{@code COILSIGHT_VERIFY_IMAGES} [structure]: {@code structure} checks header and end marker (cheap),
 *       {@code full} decodes every image</li>
 *   <li>{@code COILSIGHT_PRODUCE_TIMEOUT_MS} [15000]: how long an upload waits for the broker's acknowledgement</li>
 *   <li>{@code COILSIGHT_DROP_ROOT} [none: watcher off], {@code COILSIGHT_DROP_STABLE_MS} [1000], {@code COILSIGHT_DROP_POLL_MS} [250],
 *       {@code COILSIGHT_DROP_CAMERA_ID} [drop-folder], {@code COILSIGHT_DROP_PENDING_TIMEOUT_MS} [600000]: how long a file whose
 *       earlier send cannot be confirmed or denied (the broker answers, the answer stays unknown) is retried before it is set aside</li>
 *   <li>{@code COILSIGHT_DEFAULT_CAMERA_ID} [http]: camera id of uploads that name none</li>
 *   <li>{@code COILSIGHT_IDEMPOTENCY_WINDOW_MS} [3600000], {@code COILSIGHT_IDEMPOTENCY_MAX_KEYS} [100000]: how long, and for how many
 *       keys at most, an upload's {@code Idempotency-Key} gets its first answer again</li>
 *   <li>{@code COILSIGHT_MAX_CLOCK_SKEW_MS} [300000]: an upload's capture time, or a dropped file's modification time, may lie
 *       this far in the future, no further</li>
 *   <li>{@code COILSIGHT_KAFKA_*}: passed to the producer and admin client (e.g. {@code COILSIGHT_KAFKA_SECURITY_PROTOCOL=SASL_SSL},
 *       {@code COILSIGHT_KAFKA_SASL_JAAS_CONFIG}), overriding ingest's own settings</li>
 * </ul>
 */
public record IngestConfig(
        ClusterSettings cluster,
        String imagesTopic,
        String coilEndsTopic,
        HttpSettings http,
        Optional<String> token,
        boolean authDisabled,
        ImageLimits limits,
        boolean fullDecode,
        Duration produceTimeout,
        Optional<Path> dropRoot,
        Duration dropStable,
        Duration dropPoll,
        Duration dropPendingTimeout,
        String dropCameraId,
        String httpCameraId,
        Duration idempotencyWindow,
        int idempotencyMaxKeys,
        Duration maxClockSkew) {

    /** Uploads handled at once unless COILSIGHT_HTTP_MAX_REQUESTS says otherwise. */
    public static final int DEFAULT_MAX_REQUESTS = 16;

    public IngestConfig {
        if (!authDisabled && token.isEmpty()) {
            throw new IllegalArgumentException("COILSIGHT_INGEST_TOKEN is required (uploads need a bearer token); "
                    + "set COILSIGHT_INGEST_AUTH_DISABLED=true only for local use");
        }
    }

    public static IngestConfig fromEnv(Env env) {
        String verify = env.string("COILSIGHT_VERIFY_IMAGES", "structure");
        if (!verify.equals("structure") && !verify.equals("full")) {
            throw new IllegalArgumentException("COILSIGHT_VERIFY_IMAGES must be structure or full, got '" + verify + "'");
        }
        return new IngestConfig(
                ClusterSettings.fromEnv(env),
                env.string("COILSIGHT_TOPIC_IMAGES", Topics.IMAGES),
                env.string("COILSIGHT_TOPIC_COIL_ENDS", Topics.COIL_ENDS),
                HttpSettings.fromEnv(env, 8080, DEFAULT_MAX_REQUESTS),
                env.optional("COILSIGHT_INGEST_TOKEN"),
                env.flag("COILSIGHT_INGEST_AUTH_DISABLED", false),
                new ImageLimits(env.number("COILSIGHT_MAX_IMAGE_BYTES", 1_000_000),
                        env.integer("COILSIGHT_MAX_IMAGE_WIDTH", 8192),
                        env.integer("COILSIGHT_MAX_IMAGE_HEIGHT", 8192),
                        env.number("COILSIGHT_MAX_IMAGE_PIXELS", 40_000_000)),
                verify.equals("full"),
                env.millis("COILSIGHT_PRODUCE_TIMEOUT_MS", 15_000),
                env.optional("COILSIGHT_DROP_ROOT").map(Path::of),
                env.millis("COILSIGHT_DROP_STABLE_MS", 1_000),
                env.millis("COILSIGHT_DROP_POLL_MS", 250),
                env.millis("COILSIGHT_DROP_PENDING_TIMEOUT_MS", 600_000),
                env.string("COILSIGHT_DROP_CAMERA_ID", "drop-folder"),
                env.string("COILSIGHT_DEFAULT_CAMERA_ID", "http"),
                env.millis("COILSIGHT_IDEMPOTENCY_WINDOW_MS", 3_600_000),
                env.atLeast("COILSIGHT_IDEMPOTENCY_MAX_KEYS", 100_000, 1),
                env.millis("COILSIGHT_MAX_CLOCK_SKEW_MS", 300_000));
    }
}
