package dev.coilsight.schemas.serde;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the record.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Writes the header into the first five bytes of {@code buffer}. */
    public static void writeHeader(ByteBuffer buffer, int schemaId) {
        buffer.put(MAGIC_BYTE).putInt(schemaId);
    }

    /**
     * Reads and checks the header; the buffer is left at the start of the Avro payload.
     *
     * @throws SerializationException naming the topic and what is wrong with the bytes
     */
    public static int readSchemaId(ByteBuffer buffer, String topic) {
        if (buffer.remaining() < HEADER_SIZE) {
            throw new SerializationException("record on topic " + topic + " has " + buffer.remaining()
                    + " bytes, too short for the Confluent wire format (magic byte 0 + 4-byte schema id + Avro data)");
        }
        byte magic = buffer.get();
        if (magic != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "record on topic %s starts with magic byte 0x%02x, expected 0x00: it is not in the Confluent "
                            + "wire format (written without a schema-registry serializer?)", topic, magic & 0xff));
        }
        return buffer.getInt();
    }
}
