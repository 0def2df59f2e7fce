package dev.coilsight.serviceruntime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.coilsight.serviceruntime.config.Env;

class ClusterSettingsTest {

    private final ClusterSettings cluster = new ClusterSettings("broker:9093", "https://registry:8081", Optional.of("svc:secret"), false, Map.of(
            "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "linger.ms", "10", "max.poll.records", "50"));

    @Test
    void everyClientGetsTheSecuritySettingsAndOnlyTheSettingsItKnows() {
        assertThat(cluster.admin()).containsEntry("bootstrap.servers", "broker:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").doesNotContainKeys("linger.ms", "max.poll.records");
        assertThat(cluster.consumer()).containsEntry("security.protocol", "SASL_SSL").containsEntry("max.poll.records", "50")
                .doesNotContainKey("linger.ms");
        assertThat(cluster.producer()).containsEntry("security.protocol", "SASL_SSL").containsEntry("linger.ms", "10")
                .doesNotContainKey("max.poll.records");
        assertThat(cluster.registry()).containsEntry("schema.registry.url", "https://registry:8081")
                .containsEntry("basic.auth.user.info", "svc:secret");
    }

    @Test
    void everyServiceReadsTheSameVariablesWithTheSameDefaultsAndDescribesThemMasked() {
        ClusterSettings defaults = ClusterSettings.fromEnv(new Env(Map.of()));
        assertThat(defaults).isEqualTo(new ClusterSettings("localhost:9092", "http://localhost:8081", Optional.empty(), true, Map.of()));

        Env env = new Env(Map.of("COILSIGHT_BOOTSTRAP_SERVERS", "b1:9093,b2:9093",
                "COILSIGHT_SCHEMA_REGISTRY_URL", "https://user:pass@registry:8081", "COILSIGHT_SCHEMA_REGISTRY_USER_INFO", "svc:secret",
                "COILSIGHT_AUTO_REGISTER_SCHEMAS", "false", "COILSIGHT_KAFKA_SASL_JAAS_CONFIG", "x required password=\"p\";"));
        ClusterSettings read = ClusterSettings.fromEnv(env);
        assertThat(read.kafka()).containsEntry("sasl.jaas.config", "x required password=\"p\";");
        assertThat(read.autoRegisterSchemas()).isFalse();
        assertThat(env.inEffect()).containsEntry("COILSIGHT_BOOTSTRAP_SERVERS", "b1:9093,b2:9093")
                .containsEntry("COILSIGHT_SCHEMA_REGISTRY_USER_INFO", "****").containsEntry("COILSIGHT_AUTO_REGISTER_SCHEMAS", "false");
        assertThat(env.inEffect().get("COILSIGHT_SCHEMA_REGISTRY_URL")).isEqualTo("https://user:****@registry:8081");
        assertThat(env.inEffect().get("COILSIGHT_KAFKA_SASL_JAAS_CONFIG")).doesNotContain("password=\"p\"");
    }

    @Test
    void theRegistrysTlsSettingsReachItsClientAndThePasswordIsMaskedInTheLog() {
        Env env = new Env(Map.of("COILSIGHT_SCHEMA_REGISTRY_URL", "https://registry:8081",
                "COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION", "/etc/coilsight/registry-ca.p12",
                "COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD", "changeit"));
        ClusterSettings read = ClusterSettings.fromEnv(env);

        assertThat(read.registry()).containsEntry("schema.registry.ssl.truststore.location", "/etc/coilsight/registry-ca.p12")
                .containsEntry("schema.registry.ssl.truststore.password", "changeit");
        assertThat(env.reads()).containsKey("COILSIGHT_SCHEMA_REGISTRY_SSL_*");
        assertThat(env.inEffect().toString()).contains("/etc/coilsight/registry-ca.p12").doesNotContain("changeit");
    }

    @Test
    void noBrokerIsAnErrorNamingTheVariable() {
        assertThatThrownBy(() -> ClusterSettings.plain(" ", "http://registry:8081")).hasMessageContaining("COILSIGHT_BOOTSTRAP_SERVERS");
    }

    @Test
    void printedTheSettingsShowNoSecret() {
        ClusterSettings cluster = new ClusterSettings("broker:9093", "https://svc:r3g-pass@registry:8443", Optional.of("svc:user-info-pass"), false,
                Map.of("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"jaas-pass\";",
                        "security.protocol", "SASL_SSL", "ssl.truststore.password", "trust-pass"),
                Map.of("schema.registry.ssl.keystore.password", "key-pass"));

        assertThat(cluster.toString()).contains("broker:9093", "SASL_SSL", "https://svc:****@registry:8443")
                .doesNotContain("r3g-pass", "user-info-pass", "jaas-pass", "trust-pass", "key-pass");
    }
}
