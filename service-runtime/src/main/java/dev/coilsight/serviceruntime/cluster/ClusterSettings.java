package dev.coilsight.serviceruntime.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.schemas.registry.RegistryClientConfig;

/**
 * Where the cluster is and how to reach it, the same for every service: the bootstrap servers, the schema registry
 * (URL, basic-auth credentials, whether clients may register schemas) and the {@code COILSIGHT_KAFKA_*} settings
 * (security protocol, SASL, TLS, ...), as each kind of client takes them. A service's own clients all start from here,
 * so a secured cluster's settings reach every one of them, and a client gets only the settings it knows (another
 * client's would make Kafka log a warning for each).
 *
 * @param kafka the {@code COILSIGHT_KAFKA_*} settings as client keys ({@code COILSIGHT_KAFKA_SASL_MECHANISM} is {@code sasl.mechanism})
 * @param registryTls the {@code COILSIGHT_SCHEMA_REGISTRY_SSL_*} settings as the registry client's keys
 *     ({@code COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION} is {@code schema.registry.ssl.truststore.location})
 */
public record ClusterSettings(String bootstrapServers, String schemaRegistryUrl, Optional<String> schemaRegistryUserInfo,
                              boolean autoRegisterSchemas, Map<String, String> kafka, Map<String, String> registryTls) {

    public static final String KAFKA_PREFIX = "COILSIGHT_KAFKA_";
    public static final String REGISTRY_TLS_PREFIX = "COILSIGHT_SCHEMA_REGISTRY_SSL_";

    public ClusterSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("COILSIGHT_BOOTSTRAP_SERVERS must name at least one broker (host:port)");
        }
        kafka = Map.copyOf(kafka);
        registryTls = Map.copyOf(registryTls);
    }

    /** The settings with every secret masked: a record's own toString would print JAAS configs and passwords. */
    @Override
    public String toString() {
        return "ClusterSettings[bootstrapServers=" + bootstrapServers + ", schemaRegistryUrl=" + Env.maskedUrl(schemaRegistryUrl)
                + ", schemaRegistryUserInfo=" + schemaRegistryUserInfo.map(u -> "****").orElse("none") + ", autoRegisterSchemas="
                + autoRegisterSchemas + ", kafka=" + masked(kafka) + ", registryTls=" + masked(registryTls) + "]";
    }

    private static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> shown = new java.util.TreeMap<>();
        settings.forEach((name, value) -> shown.put(name, Env.secret(name) ? "****" : Env.maskedUrl(value)));
        return shown;
    }

    /** A registry reached over plain http or with the JVM's own trust store. */
    public ClusterSettings(String bootstrapServers, String schemaRegistryUrl, Optional<String> schemaRegistryUserInfo,
                           boolean autoRegisterSchemas, Map<String, String> kafka) {
        this(bootstrapServers, schemaRegistryUrl, schemaRegistryUserInfo, autoRegisterSchemas, kafka, Map.of());
    }

    /**
     * {@code COILSIGHT_BOOTSTRAP_SERVERS} [localhost:9092], {@code COILSIGHT_SCHEMA_REGISTRY_URL} [http://localhost:8081],
     * {@code COILSIGHT_SCHEMA_REGISTRY_USER_INFO} [none], {@code COILSIGHT_AUTO_REGISTER_SCHEMAS} [true], {@code COILSIGHT_KAFKA_*},
     * {@code COILSIGHT_SCHEMA_REGISTRY_SSL_*}.
     */
    public static ClusterSettings fromEnv(Env env) {
        return new ClusterSettings(
                env.string("COILSIGHT_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.string("COILSIGHT_SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                env.optional("COILSIGHT_SCHEMA_REGISTRY_USER_INFO"),
                env.flag("COILSIGHT_AUTO_REGISTER_SCHEMAS", true),
                env.passThrough(KAFKA_PREFIX),
                env.passThrough(REGISTRY_TLS_PREFIX));
    }

    /** A cluster reached without credentials or extra client settings (the embedded default, tools, tests). */
    public static ClusterSettings plain(String bootstrapServers, String schemaRegistryUrl) {
        return new ClusterSettings(bootstrapServers, schemaRegistryUrl, Optional.empty(), true, Map.of());
    }

    /** Settings for an admin client. */
    public Map<String, Object> admin() {
        return only(AdminClientConfig.configNames());
    }

    /** Settings for a consumer. */
    public Map<String, Object> consumer() {
        return only(ConsumerConfig.configNames());
    }

    /** Settings for a producer. */
    public Map<String, Object> producer() {
        return only(ProducerConfig.configNames());
    }

    /** The schema registry client's settings (Confluent client keys). */
    public Map<String, Object> registry() {
        Map<String, Object> settings = RegistryClientConfig.clientSettings(schemaRegistryUrl, schemaRegistryUserInfo);
        registryTls.forEach((name, value) -> settings.put("schema.registry.ssl." + name, value));
        return settings;
    }

    private Map<String, Object> only(Set<String> known) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (known.contains(name)) {
                settings.put(name, value);
            }
        });
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return settings;
    }
}
