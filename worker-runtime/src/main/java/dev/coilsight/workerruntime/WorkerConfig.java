package dev.coilsight.workerruntime;

import java.nio.file.Path;
import java.time.Duration;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.HttpSettings;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.core.model.Precision;
import dev.coilsight.schemas.Topics;

/**
 * Settings every inference worker shares, from environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code COILSIGHT_SHADOW} [false]: run the model in shadow ({@link #shadow})</li>
 *   <li>{@code COILSIGHT_BOOTSTRAP_SERVERS} [localhost:9092], {@code COILSIGHT_SCHEMA_REGISTRY_URL} [http://localhost:8081],
 *       {@code COILSIGHT_SCHEMA_REGISTRY_USER_INFO} [none], {@code COILSIGHT_AUTO_REGISTER_SCHEMAS} [true]</li>
 *   <li>the input topic (the service names its variable, e.g. {@code COILSIGHT_TOPIC_IMAGES}), {@code COILSIGHT_TOPIC_DLQ} [steel.dlq]</li>
 *   <li>{@code COILSIGHT_GROUP_ID} [the service's], {@code COILSIGHT_TRANSACTIONAL_ID} [group-hostname]: prefix of the
 *       per-thread transactional ids, which are also the threads' static group memberships ({@code group.instance.id});
 *       keep it stable across restarts of one instance and unique across instances, so that a restarted instance
 *       aborts what its killed predecessor left open and takes its partitions back at once</li>
 *   <li>{@code COILSIGHT_MAX_BATCH_SIZE} [8] images, {@code COILSIGHT_MAX_LINGER_MS} [50], {@code COILSIGHT_WORKER_THREADS} [1]
 *       (each thread: one consumer, one transactional producer, one Predictor)</li>
 *   <li>{@code COILSIGHT_MODEL_DIR} [the service's]: SavedModel + model.json, may be a symbolic link;
 *       {@code COILSIGHT_MODEL_POLL_MS} [5000]: how often model.json and the link target are checked for a new model</li>
 *   <li>{@code COILSIGHT_REQUIRE_GPU} [false]: refuse to start when the TensorFlow engine has no CUDA device</li>
 *   <li>{@code COILSIGHT_PRECISION} [fp32]: fp32 or bf16 ({@link Precision}); bf16 runs in fp32 on a GPU or a CPU without bf16
 *       instructions, with a log line saying so</li>
 *   <li>{@code COILSIGHT_HTTP_*}: the ops port's /health, /ready, /metrics ({@link HttpSettings}; port: the service's, 4 requests at once)</li>
 *   <li>{@code COILSIGHT_MAX_IMAGE_BYTES} [20971520], {@code COILSIGHT_MAX_IMAGE_WIDTH} [8192], {@code COILSIGHT_MAX_IMAGE_HEIGHT} [8192],
 *       {@code COILSIGHT_MAX_IMAGE_PIXELS} [40000000]: larger images go to the dead-letter topic undecoded</li>
 *   <li>{@code COILSIGHT_TRANSACTION_TIMEOUT_MS} [60000]</li>
 *   <li>{@code COILSIGHT_MAX_MODEL_INPUT_PIXELS} [4194304], {@code COILSIGHT_MAX_BATCH_PIXELS} [16777216]: the model input
 *       budget ({@link InputBudget})</li>
 *   <li>{@code COILSIGHT_MODEL_FAILURE_BATCHES} [3]: batches in a row on which the model fails on a blank input too
 *       before /health and /ready say DOWN (the batch is not dead-lettered, it is read again after a back-off)</li>
 *   <li>{@code COILSIGHT_STATE_DIR} [the temporary folder's coilsight-SERVICE]: the crash-loop breaker's in-flight journals
 *       ({@link InFlightJournal}); on Kubernetes a volume that outlives a container restart</li>
 *   <li>{@code COILSIGHT_KAFKA_*}: passed to every Kafka client, e.g. {@code COILSIGHT_KAFKA_SECURITY_PROTOCOL=SASL_SSL},
 *       {@code COILSIGHT_KAFKA_SASL_MECHANISM}, {@code COILSIGHT_KAFKA_SASL_JAAS_CONFIG}, {@code COILSIGHT_KAFKA_SSL_TRUSTSTORE_LOCATION}
 *       (the name after the prefix, lower case, {@code _} as {@code .}); they override the worker's own settings</li>
 * </ul>
 */
public record WorkerConfig(
        String service,
        boolean shadow,
        ClusterSettings cluster,
        String inputTopicVariable,
        String inputTopic,
        String dlqTopic,
        String groupId,
        String transactionalIdPrefix,
        int maxBatchSize,
        Duration maxLinger,
        int threads,
        Path modelDir,
        Duration modelPoll,
        boolean requireGpu,
        Precision precision,
        HttpSettings http,
        ImageLimits limits,
        Duration transactionTimeout,
        InputBudget inputBudget,
        int modelFailureBatches,
        Path stateDir) {

    public WorkerConfig {
        if (maxLinger.isNegative()) {
            throw new IllegalArgumentException("COILSIGHT_MAX_LINGER_MS must not be negative");
        }
    }

    /** What differs between the services: their names, input topic and defaults. */
    public record Defaults(String service, String inputTopicVariable, String inputTopic, String groupId, Path modelDir, int httpPort) {
    }

    /**
     * Whether this worker runs a candidate model in shadow ({@code COILSIGHT_SHADOW} [false]): on the same input as the
     * live worker, in its own consumer group, writing to the {@code .shadow} topics, which no figure or grade reads.
     */
    public static boolean shadow(Env env) {
        return env.flag("COILSIGHT_SHADOW", false);
    }

    /**
     * The output topic of a shadow worker: one whose name ends in {@code .shadow}. A live worker's setting copied over
     * (the default name or a plant's own, {@code plant2.defects}) would mix the candidate's results into the live ones.
     */
    public static String shadowOutput(Env env, String variable, String shadowDefault, String... liveTopics) {
        String topic = env.string(variable, shadowDefault);
        if (java.util.Arrays.asList(liveTopics).contains(topic) || !topic.endsWith(".shadow")) {
            throw new IllegalArgumentException(variable + "=" + topic + " is not a shadow topic; a shadow worker (COILSIGHT_SHADOW=true) "
                    + "writes to " + shadowDefault + " or another topic of its own whose name ends in .shadow");
        }
        return topic;
    }

    /**
     * {@code COILSIGHT_TRANSACTIONAL_ID}, by default the group and the host name. A shadow's is its own even when copied
     * from the live worker: the same ids would fence the live worker's producers (and share its crash-loop journals).
     */
    private static String transactionalId(Env env, String group) {
        String id = env.string("COILSIGHT_TRANSACTIONAL_ID", group + "-" + Env.hostname());
        return shadow(env) && !id.contains("-shadow") ? id + "-shadow" : id;
    }

    public static WorkerConfig fromEnv(Env env, Defaults defaults) {
        String service = shadow(env) ? defaults.service() + "-shadow" : defaults.service();
        // A shadow never joins the live group, even with the live worker's COILSIGHT_GROUP_ID copied over: it would take live partitions.
        String group = env.string("COILSIGHT_GROUP_ID", defaults.groupId());
        if (shadow(env) && !group.endsWith("-shadow")) {
            group = group + "-shadow";
        }
        return new WorkerConfig(
                service,
                shadow(env),
                ClusterSettings.fromEnv(env),
                defaults.inputTopicVariable(),
                env.string(defaults.inputTopicVariable(), defaults.inputTopic()),
                env.string("COILSIGHT_TOPIC_DLQ", Topics.DLQ),
                group,
                transactionalId(env, group),
                env.atLeast("COILSIGHT_MAX_BATCH_SIZE", 8, 1),
                env.millis("COILSIGHT_MAX_LINGER_MS", 50),
                env.atLeast("COILSIGHT_WORKER_THREADS", 1, 1),
                Path.of(env.string("COILSIGHT_MODEL_DIR", defaults.modelDir().toString())),
                env.millis("COILSIGHT_MODEL_POLL_MS", 5_000),
                env.flag("COILSIGHT_REQUIRE_GPU", false),
                precision(env),
                HttpSettings.fromEnv(env, defaults.httpPort(), 4),
                new ImageLimits(env.number("COILSIGHT_MAX_IMAGE_BYTES", ImageLimits.DEFAULT.maxBytes()),
                        env.integer("COILSIGHT_MAX_IMAGE_WIDTH", ImageLimits.DEFAULT.maxWidth()),
                        env.integer("COILSIGHT_MAX_IMAGE_HEIGHT", ImageLimits.DEFAULT.maxHeight()),
                        env.number("COILSIGHT_MAX_IMAGE_PIXELS", ImageLimits.DEFAULT.maxPixels())),
                env.millis("COILSIGHT_TRANSACTION_TIMEOUT_MS", 60_000),
                new InputBudget(env.number("COILSIGHT_MAX_MODEL_INPUT_PIXELS", InputBudget.DEFAULT.maxImagePixels()),
                        env.number("COILSIGHT_MAX_BATCH_PIXELS", InputBudget.DEFAULT.maxBatchPixels())),
                env.atLeast("COILSIGHT_MODEL_FAILURE_BATCHES", 3, 1),
                Path.of(env.string("COILSIGHT_STATE_DIR", defaultStateDir(service).toString())));
    }

    private static Precision precision(Env env) {
        String value = env.string("COILSIGHT_PRECISION", Precision.FP32.toString());
        try {
            return Precision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("COILSIGHT_PRECISION: " + e.getMessage());
        }
    }

    /** Where the crash-loop breaker keeps its in-flight journals: the temporary folder unless set. */
    static Path defaultStateDir(String service) {
        return Path.of(System.getProperty("java.io.tmpdir"), "coilsight-" + service);
    }

    /** The largest record the producer may write: {@code max.request.size} from COILSIGHT_KAFKA_*, else Kafka's 1 MiB default. */
    public int maxRecordBytes() {
        String configured = cluster.kafka().get("max.request.size");
        if (configured == null) {
            return 1024 * 1024;
        }
        try {
            return Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("COILSIGHT_KAFKA_MAX_REQUEST_SIZE must be a whole number of bytes, got '" + configured + "'");
        }
    }

}
