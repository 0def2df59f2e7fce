package dev.coilsight.analytics.topology;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;

/** JSON for state that only this service reads (no public contract, so no registry): the quality stores. */
final class JsonSerde {

    /**
     * Fields it does not know are skipped: state written by a newer version (a field added) must still restore in an older
     * one rolled back to, or every task holding such a coil would fail and be retried for as long as the coil is kept.
     */
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addHandler(new AvroEnumDefaults());

    private JsonSerde() {
    }

    static <T> Serde<T> of(Class<T> type) {
        return of(JSON.constructType(type));
    }

    static <T> Serde<T> of(JavaType type) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type + " as JSON", e);
            }
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return JSON.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("cannot read " + type + " from JSON: " + e.getMessage(), e);
            }
        });
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    /**
     * A symbol of a public Avro enum that this version does not know (a coil's end reason added later, stored by a newer
     * version before a roll-back) reads as the enum's default, as the public records read it: failing instead would fail
     * the task at every restore, for as long as the coil is kept.
     */
    static final class AvroEnumDefaults extends DeserializationProblemHandler {

        @Override
        public Object handleWeirdStringValue(DeserializationContext context, Class<?> type, String value, String failure) {
            return avroDefault(type).orElse(NOT_HANDLED);
        }

        @Override
        public Object handleWeirdKey(DeserializationContext context, Class<?> type, String key, String failure) {
            return avroDefault(type).orElse(NOT_HANDLED);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static java.util.Optional<Object> avroDefault(Class<?> type) {
            if (!type.isEnum()) {
                return java.util.Optional.empty();
            }
            try {
                org.apache.avro.Schema schema = (org.apache.avro.Schema) type.getMethod("getClassSchema").invoke(null);
                String symbol = schema.getEnumDefault();
                return symbol == null ? java.util.Optional.empty() : java.util.Optional.of(Enum.valueOf((Class) type, symbol));
            } catch (ReflectiveOperationException | ClassCastException e) {
                return java.util.Optional.empty(); // not a generated Avro enum: no default to fall back on
            }
        }
    }
}
