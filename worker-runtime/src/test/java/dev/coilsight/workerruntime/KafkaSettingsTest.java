package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coilsight.serviceruntime.config.Env;

class KafkaSettingsTest {

    private static final WorkerConfig.Defaults DEFAULTS = new WorkerConfig.Defaults("classifier", "COILSIGHT_TOPIC_IMAGES",
            "steel.images", "coilsight-classifier", Path.of("models/x"), 8083);

    @Test
    void eachClientGetsTheOverridesItKnowsAndNoneCanUndoExactlyOnce() {
        WorkerConfig config = WorkerConfig.fromEnv(new Env(Map.of(
                "COILSIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "COILSIGHT_KAFKA_SESSION_TIMEOUT_MS", "120000",
                "COILSIGHT_KAFKA_MAX_REQUEST_SIZE", "8388608",
                "COILSIGHT_KAFKA_ISOLATION_LEVEL", "read_uncommitted",
                "COILSIGHT_KAFKA_ENABLE_AUTO_COMMIT", "true",
                "COILSIGHT_KAFKA_ACKS", "1",
                "COILSIGHT_KAFKA_TRANSACTIONAL_ID", "someone-elses")), DEFAULTS);

        Map<String, Object> consumer = KafkaSettings.consumer(config, "c-1", "tx-1");
        Map<String, Object> producer = KafkaSettings.producer(config, "tx-1");

        assertThat(consumer).containsEntry("security.protocol", "SASL_SSL").containsEntry("session.timeout.ms", "120000")
                .containsEntry("isolation.level", "read_committed").containsEntry("enable.auto.commit", false)
                .doesNotContainKey("max.request.size");
        assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("max.request.size", "8388608")
                .containsEntry("acks", "all").containsEntry("transactional.id", "tx-1").doesNotContainKey("session.timeout.ms");
    }

    @Test
    void aRebalanceMovesOnlyThePartitionsThatChangeHandsUnlessThePlantChoseTheBrokersProtocol() {
        Map<String, Object> classic = KafkaSettings.consumer(WorkerConfig.fromEnv(new Env(Map.of()), DEFAULTS), "c-1", "tx-1");
        // What the consumer makes of it: the rebalance protocol is the one every listed assignor supports.
        List<org.apache.kafka.clients.consumer.ConsumerPartitionAssignor> assignors = new org.apache.kafka.clients.consumer.ConsumerConfig(classic)
                .getConfiguredInstances("partition.assignment.strategy", org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.class);
        assertThat(assignors).isNotEmpty().allSatisfy(assignor -> assertThat(assignor.supportedProtocols())
                .contains(org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE));

        Map<String, Object> kip848 = KafkaSettings.consumer(WorkerConfig.fromEnv(new Env(Map.of("COILSIGHT_KAFKA_GROUP_PROTOCOL", "consumer")), DEFAULTS),
                "c-1", "tx-1");
        assertThat(kip848).containsEntry("group.protocol", "consumer").doesNotContainKey("partition.assignment.strategy");
    }
}
