package dev.coilsight.schemas.serde;

import java.io.IOException;
import java.io.OutputStream;
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
            // Encoded twice, first only counting, so that an image's bytes (a heap buffer) are copied once, into an array of the exact size.
            SpecificDatumWriter<T> writer = writers.computeIfAbsent(schema, SpecificDatumWriter::new);
            ByteCounter counter = new ByteCounter();
            encode(writer, record, counter);
            byte[] bytes = new byte[Math.addExact(WireFormat.HEADER_SIZE, counter.count)];
            WireFormat.writeHeader(ByteBuffer.wrap(bytes), schemaId);
            ArrayFiller filler = new ArrayFiller(bytes, WireFormat.HEADER_SIZE);
            encode(writer, record, filler);
            if (filler.position != bytes.length) {
                throw new IllegalStateException("the record encoded to " + (filler.position - WireFormat.HEADER_SIZE)
                        + " bytes after counting " + counter.count + ": was it changed while being serialized?");
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not serialize " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private void encode(SpecificDatumWriter<T> writer, T record, OutputStream out) throws IOException {
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
        encoders.set(encoder);
        writer.write(record, encoder);
        encoder.flush();
    }

    /** Counts what is written and keeps nothing. */
    private static final class ByteCounter extends OutputStream {
        int count;

        @Override
        public void write(int b) {
            count = Math.addExact(count, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count = Math.addExact(count, len);
        }
    }

    /** Writes into a given array from a given position on, and refuses to write past its end. */
    private static final class ArrayFiller extends OutputStream {
        private final byte[] target;
        int position;

        ArrayFiller(byte[] target, int position) {
            this.target = target;
            this.position = position;
        }

        @Override
        public void write(int b) {
            requireRoom(1);
            target[position++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            requireRoom(len);
            System.arraycopy(b, off, target, position, len);
            position += len;
        }

        private void requireRoom(int len) {
            if (len > target.length - position) {
                throw new IllegalStateException("the record encoded to more bytes than counted: was it changed while being serialized?");
            }
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
