package dev.coilsight.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where the cluster is and how to reach it: the bootstrap servers and the {@code COILSIGHT_KAFKA_*} settings
 * (security protocol, SASL, TLS, ...), as each kind of client takes them. A service's own clients all start from
 * here, so a secured cluster's settings reach every one of them, and a client gets only the settings it knows
 * (another client's would make Kafka log a warning for each).
 */
public record ClusterSettings(String bootstrapServers, Map<String, String> kafka) {

    public ClusterSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("COILSIGHT_BOOTSTRAP_SERVERS must name at least one broker (host:port)");
        }
        kafka = Map.copyOf(kafka);
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
