package dev.coilsight.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    private final ClusterSettings cluster = new ClusterSettings("broker:9093", Map.of(
            "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "linger.ms", "10", "max.poll.records", "50"));

    @Test
    void everyClientGetsTheSecuritySettingsAndOnlyTheSettingsItKnows() {
        assertThat(cluster.admin()).containsEntry("bootstrap.servers", "broker:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").doesNotContainKeys("linger.ms", "max.poll.records");
        assertThat(cluster.consumer()).containsEntry("security.protocol", "SASL_SSL").containsEntry("max.poll.records", "50")
                .doesNotContainKey("linger.ms");
        assertThat(cluster.producer()).containsEntry("security.protocol", "SASL_SSL").containsEntry("linger.ms", "10")
                .doesNotContainKey("max.poll.records");
    }

    @Test
    void noBrokerIsAnErrorNamingTheVariable() {
        assertThatThrownBy(() -> new ClusterSettings(" ", Map.of())).hasMessageContaining("COILSIGHT_BOOTSTRAP_SERVERS");
    }
}
