package dev.coilsight.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import dev.coilsight.schemas.SubjectNames;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryException;

/**
 * Serializes generated Avro records in the Confluent wire format, with the schema id from the
 * registry under the topic's subject (TopicNameStrategy). Build it with a client, or let Kafka
 * build it from a class name and {@code schema.registry.url} in the client configuration.
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private boolean ownsRegistry;
    private AvroSerdeConfig config = new AvroSerdeConfig(true);
    private boolean isKey;
    private final ThreadLocal<ByteArrayOutputStream> buffers = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(4096));
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
    private final Map<Schema, SpecificDatumWriter<T>> writers = new java.util.concurrent.ConcurrentHashMap<>();

    /** For Kafka, which configures it with {@link #configure}. */
    public SpecificAvroSerializer() {
    }

    public SpecificAvroSerializer(SchemaRegistryClient registry, AvroSerdeConfig config) {
        this.registry = registry;
        this.config = config;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        // An injected config stands unless the client configuration says otherwise.
        if (registry == null || configs.containsKey(AvroSerdeConfig.AUTO_REGISTER)) {
            this.config = AvroSerdeConfig.fromMap(configs);
        }
        if (registry == null) {
            registry = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
            ownsRegistry = true;
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("serializer not configured: pass a registry client or schema.registry.url");
        }
        Schema schema = record.getSchema();
        int schemaId = schemaId(topic, schema);
        try {
            ByteArrayOutputStream out = buffers.get();
            out.reset();
            out.write(WireFormat.MAGIC_BYTE);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not serialize " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        String subject = SubjectNames.forTopic(topic, isKey);
        try {
            return config.autoRegister() ? registry.register(subject, schema) : registry.idOf(subject, schema);
        } catch (SchemaRegistryException.NotFound e) {
            throw new SerializationException("schema " + schema.getFullName() + " is not registered under subject "
                    + subject + " and auto.register.schemas=false: register it first (./coilsight schemas register --registry "
                    + registry.baseUrl() + "); " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("could not get a schema id for " + schema.getFullName() + " on topic "
                    + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (ownsRegistry && registry != null) {
            registry.close();
        }
    }
}
