package dev.coilsight.analytics.stats;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Images inspected and found defective in one time window. Kept only in state stores (never on a
 * public topic), so it has a fixed 16-byte binary form instead of an Avro contract.
 */
public record ImageCounts(long images, long defective) {

    public static final ImageCounts NONE = new ImageCounts(0, 0);

    public ImageCounts add(boolean imageDefective) {
        return new ImageCounts(images + 1, defective + (imageDefective ? 1 : 0));
    }

    public double defectRate() {
        return images == 0 ? 0.0 : (double) defective / images;
    }

    public static Serde<ImageCounts> serde() {
        Serializer<ImageCounts> serializer = (topic, counts) -> counts == null ? null
                : ByteBuffer.allocate(16).putLong(counts.images).putLong(counts.defective).array();
        Deserializer<ImageCounts> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != 16) {
                throw new SerializationException("image counts must be 16 bytes, got " + bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new ImageCounts(b.getLong(), b.getLong());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
