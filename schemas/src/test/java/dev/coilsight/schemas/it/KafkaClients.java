package dev.coilsight.schemas.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;
import dev.coilsight.schemas.registry.RegistryClientConfig;

/** Producers and consumers configured the way a service would: by class name and client settings. */
final class KafkaClients {

    private KafkaClients() {
    }

    static <T extends SpecificRecord> KafkaProducer<String, T> producer(String bootstrap, String registryUrl,
                                                                          boolean autoRegister) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        configs.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        configs.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SpecificAvroSerializer.class.getName());
        configs.put(ProducerConfig.ACKS_CONFIG, "all");
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        configs.put(RegistryClientConfig.URL, registryUrl);
        configs.put(AvroSerdeConfig.AUTO_REGISTER, autoRegister);
        return new KafkaProducer<>(configs);
    }

    static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(String bootstrap, String registryUrl,
                                                                          Class<T> type, String group) {
        Map<String, Object> configs = new HashMap<>();
        configs.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        configs.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, SpecificAvroDeserializer.class.getName());
        configs.put(AvroSerdeConfig.VALUE_TYPE, type.getName());
        configs.put(RegistryClientConfig.URL, registryUrl);
        configs.put(RegistryClientConfig.RETRIES, "30");
        configs.put(RegistryClientConfig.RETRY_BACKOFF_MAX_MS, "1000");
        return new KafkaConsumer<>(configs);
    }

    /** Polls until {@code count} records arrived or the timeout passed; returns what arrived. */
    static <T> List<ConsumerRecord<String, T>> consume(KafkaConsumer<String, T> consumer, String topic, int count,
                                                       Duration timeout) {
        consumer.subscribe(List.of(topic));
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
