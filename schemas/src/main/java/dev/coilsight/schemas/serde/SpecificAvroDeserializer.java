package dev.coilsight.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryException;

/**
 * Reads Confluent-wire-format records into a generated Avro class: the writer's schema comes from
 * the registry by the id in the record, the reader's schema is the class's own, so records written
 * with older (or newer, compatible) schemas resolve into the current class.
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private boolean ownsRegistry;
    private Class<T> type;
    private Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    /** For Kafka, which configures it with {@link #configure} ({@code specific.avro.value.type} names the class). */
    public SpecificAvroDeserializer() {
    }

    public SpecificAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        setType(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (type == null) {
            setType(AvroSerdeConfig.recordType(configs, isKey));
        }
        if (registry == null) {
            registry = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
            ownsRegistry = true;
        }
    }

    private void setType(Class<T> type) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("deserializer not configured: pass a registry client or schema.registry.url");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int schemaId = WireFormat.readSchemaId(buffer, topic);
        SpecificDatumReader<T> reader = reader(topic, schemaId);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, buffer.position(), buffer.remaining(), decoders.get());
            decoders.set(decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not decode a " + type.getSimpleName() + " on topic " + topic
                    + " with writer schema id " + schemaId + ": " + e.getMessage() + " (corrupt or truncated payload)", e);
        }
    }

    private SpecificDatumReader<T> reader(String topic, int schemaId) {
        SpecificDatumReader<T> reader = readers.get(schemaId);
        if (reader != null) {
            return reader;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(schemaId);
        } catch (SchemaRegistryException.NotFound e) {
            throw new SerializationException("record on topic " + topic + " names schema id " + schemaId
                    + ", which the registry at " + registry.baseUrl() + " does not know: " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("could not fetch schema id " + schemaId + " for a record on topic "
                    + topic + ": " + e.getMessage(), e);
        }
        reader = new SpecificDatumReader<>(writerSchema, readerSchema);
        readers.put(schemaId, reader);
        return reader;
    }

    @Override
    public void close() {
        if (ownsRegistry && registry != null) {
            registry.close();
        }
    }
}
