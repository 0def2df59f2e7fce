package dev.coilsight.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import dev.coilsight.serviceruntime.cluster.ClusterSettings;

class ImagePublisherSettingsTest {

    @Test
    void theDropFolderRecoveryConsumerGetsTheClustersSecuritySettingsButNotTheProducersOwn() {
        Map<String, Object> settings = ImagePublisher.recoveryConsumerSettings(new ClusterSettings("broker:9093", "http://registry:8081", Optional.empty(), true, Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "ssl.truststore.location", "/etc/kafka/ca.p12",
                "max.request.size", "8388608",
                "enable.auto.commit", "true",
                "group.id", "someone-elses")));

        assertThat(settings).containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKey("sasl.jaas.config")
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .doesNotContainKeys("max.request.size", "group.id");
    }
}
