package dev.coilsight.serviceruntime.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.serviceruntime.config.Env;
import picocli.CommandLine.Option;

/**
 * The cluster a command-line tool talks to, as a picocli mixin: {@code --bootstrap-servers} and {@code --registry},
 * defaulting to the services' variables; the registry's credentials and TLS settings and {@code COILSIGHT_KAFKA_*}
 * come from the environment as the services read them.
 */
public final class ClusterOptions {

    @Option(names = "--bootstrap-servers", defaultValue = "${env:COILSIGHT_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $COILSIGHT_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry", defaultValue = "${env:COILSIGHT_SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description = "Schema registry URL (default: $COILSIGHT_SCHEMA_REGISTRY_URL or ${DEFAULT-VALUE}).")
    String registry;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registry() {
        return registry;
    }

    /** {@code COILSIGHT_SCHEMA_REGISTRY_USER_INFO}, the registry's basic-auth credentials, when set. */
    public Optional<String> registryUserInfo() {
        return Env.system().optional("COILSIGHT_SCHEMA_REGISTRY_USER_INFO");
    }

    /** The cluster these options name, with the registry's credentials and {@code COILSIGHT_KAFKA_*} from the environment. */
    public ClusterSettings settings(boolean autoRegisterSchemas) {
        return new ClusterSettings(bootstrapServers, registry, registryUserInfo(), autoRegisterSchemas,
                Env.system().passThrough(ClusterSettings.KAFKA_PREFIX), Env.system().passThrough(ClusterSettings.REGISTRY_TLS_PREFIX));
    }

    /** A consumer's settings on the cluster ({@code COILSIGHT_KAFKA_*} applied) plus the registry's. */
    public Map<String, Object> consumerSettings() {
        ClusterSettings cluster = settings(false);
        Map<String, Object> settings = new HashMap<>(cluster.consumer());
        settings.putAll(cluster.registry());
        return settings;
    }
}
