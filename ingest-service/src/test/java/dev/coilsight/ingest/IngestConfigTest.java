package dev.coilsight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.ingest.publish.ImagePublisher;

class IngestConfigTest {

    @Test
    void kafkaSettingsPassThroughToTheClientsWithSecretsMaskedInTheLog() {
        Env env = new Env(Map.of(
                "COILSIGHT_INGEST_TOKEN", "t0ken",
                "COILSIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "COILSIGHT_SCHEMA_REGISTRY_URL", "https://svc:url-s3cret@registry:8443",
                "COILSIGHT_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cret\";"));
        IngestConfig config = IngestConfig.fromEnv(env);
        assertThat(config.cluster().kafka()).containsEntry("security.protocol", "SASL_SSL").containsKey("sasl.jaas.config");
        assertThat(env.inEffect()).containsEntry("COILSIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("COILSIGHT_KAFKA_SASL_JAAS_CONFIG", "****");
        assertThat(env.inEffect().toString()).doesNotContain("s3cret").doesNotContain("t0ken");
        assertThat(env.inEffect()).containsEntry("COILSIGHT_SCHEMA_REGISTRY_URL", "https://svc:****@registry:8443");
    }

    @Test
    void thePassedSettingsReachTheProducer() {
        // Building the producer validates its settings without connecting: a bad value proves the override arrived.
        assertThatThrownBy(() -> new ImagePublisher(new ClusterSettings("127.0.0.1:9", "http://127.0.0.1:9", java.util.Optional.empty(), true,
                Map.of("security.protocol", "CARRIER_PIGEON")), "steel.images", Duration.ofSeconds(5), 1_000_000))
                .isInstanceOf(KafkaException.class).hasStackTraceContaining("CARRIER_PIGEON");
    }
}
