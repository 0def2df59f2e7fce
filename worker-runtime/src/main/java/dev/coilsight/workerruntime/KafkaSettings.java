package dev.coilsight.workerruntime;

import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings of the exactly-once loop. Values are read as raw bytes: the worker deserializes
 * them itself, so that a record it cannot read goes to the dead-letter topic with its original bytes
 * instead of failing the consumer's poll.
 */
final class KafkaSettings {

    private KafkaSettings() {
    }

    /**
     * @param instanceId the thread's stable identity (its transactional id): a static member of the group, so that a
     *     worker killed and started again under the same id takes its partitions back at once, instead of the group
     *     waiting out the dead member's session timeout (45 s by default) before anyone reads them
     */
    static Map<String, Object> consumer(WorkerConfig config, String clientId, String instanceId) {
        // COILSIGHT_KAFKA_* first (security, fetch sizes, session timeout), the loop's own settings over them: an
        // override of the isolation level or the auto-commit would silently break exactly-once.
        Map<String, Object> c = config.cluster().consumer();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.cluster().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        // Only committed results of upstream transactions, and offsets only through our transactions.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatchSize());
        if (!"consumer".equalsIgnoreCase(String.valueOf(c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // Kafka's default list [Range, CooperativeSticky] rebalances eagerly (the protocol all listed assignors share):
            // every replica joining or leaving (a rollout, a KEDA step) would stop every worker's partitions at once.
            // CooperativeSticky alone moves only the partitions that change hands; replicas of an older release, whose
            // default list holds it too, share the group with it during one rolling update. (The KIP-848 protocol assigns
            // on the broker and refuses the setting.)
            c.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return c;
    }

    /** For the start-up reads (topic configs), with the same security settings as the loop's clients. */
    static Map<String, Object> admin(WorkerConfig config) {
        Map<String, Object> a = config.cluster().admin();
        a.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, config.transactionalIdPrefix() + "-admin");
        return a;
    }

    static Map<String, Object> producer(WorkerConfig config, String transactionalId) {
        Map<String, Object> p = config.cluster().producer(); // COILSIGHT_KAFKA_* first, the transactional settings over them
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.cluster().bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }
}
