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

    @Test
    void aRequestTimeoutOrLingerSetForEveryServiceStillLetsIngestsProducerStart() {
        // Kafka's own default request timeout, set in the Secret every service reads: the producer refuses a delivery
        // timeout shorter than linger + request timeout, so ingest's 15 s must grow to hold them.
        ClusterSettings cluster = new ClusterSettings("127.0.0.1:9", "http://127.0.0.1:9", Optional.empty(), true, Map.of(
                "request.timeout.ms", "30000", "linger.ms", "5", "acks", "1", "session.timeout.ms", "120000"));

        Map<String, Object> settings = ImagePublisher.producerConfigs(cluster, java.time.Duration.ofSeconds(15), 8_000_000);
        assertThat(settings).containsEntry("request.timeout.ms", 30000).containsEntry("linger.ms", 5)
                .containsEntry("delivery.timeout.ms", 30005).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .doesNotContainKey("session.timeout.ms");
        try (ImagePublisher publisher = new ImagePublisher(cluster, "steel.images", java.time.Duration.ofSeconds(15), 8_000_000)) {
            assertThat(publisher.topic()).as("the producer accepted its settings").isEqualTo("steel.images");
            assertThat(publisher.deliveryTimeout()).as("an upload waits as long as the producer may still deliver it")
                    .isEqualTo(java.time.Duration.ofMillis(30005));
        }
    }

    @Test
    void theProducerCanHoldMoreOfTheLargestImagesThanTheHttpFrontHasRequestSlots() {
        Map<String, Object> settings = ImagePublisher.producerSettings("127.0.0.1:9", java.time.Duration.ofSeconds(15), 8_000_000);
        long maxRequest = ((Number) settings.get(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).longValue();
        long buffer = ((Number) settings.get(org.apache.kafka.clients.producer.ProducerConfig.BUFFER_MEMORY_CONFIG)).longValue();
        assertThat(buffer / maxRequest).as("8 MB images the producer's buffer holds")
                .isGreaterThan(dev.coilsight.ingest.IngestConfig.DEFAULT_MAX_REQUESTS);
        assertThat(((Number) ImagePublisher.producerSettings("127.0.0.1:9", java.time.Duration.ofSeconds(15), 100_000)
                .get(org.apache.kafka.clients.producer.ProducerConfig.BUFFER_MEMORY_CONFIG)).longValue()).isEqualTo(32L << 20);
    }
}
