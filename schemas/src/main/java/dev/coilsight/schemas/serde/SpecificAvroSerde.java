package dev.coilsight.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import dev.coilsight.schemas.registry.SchemaRegistryClient;

/** Kafka Streams {@link Serde} of a generated Avro class in the Confluent wire format. */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;
    private final Class<T> type;

    /** A serde that builds its own registry client from the configuration passed to {@link #configure}. */
    public SpecificAvroSerde(Class<T> type) {
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>();
        this.type = type;
    }

    /** A serde sharing an existing client (and its caches). */
    public SpecificAvroSerde(SchemaRegistryClient registry, Class<T> type, AvroSerdeConfig config) {
        this.serializer = new SpecificAvroSerializer<>(registry, config);
        this.deserializer = new SpecificAvroDeserializer<>(registry, type);
        this.type = type;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> withType = new java.util.HashMap<>(configs);
        withType.putIfAbsent(isKey ? AvroSerdeConfig.KEY_TYPE : AvroSerdeConfig.VALUE_TYPE, type);
        serializer.configure(withType, isKey);
        deserializer.configure(withType, isKey);
    }

    @Override
    public SpecificAvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public SpecificAvroDeserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
