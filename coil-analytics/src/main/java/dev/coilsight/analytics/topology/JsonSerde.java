package dev.coilsight.analytics.topology;

import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON for state that only this service reads (no public contract, so no registry): the quality stores. */
final class JsonSerde {

    /**
     * Fields it does not know are skipped: state written by a newer version (a field added) must still restore in an older
     * one rolled back to, or every task holding such a coil would fail and be retried for as long as the coil is kept.
     */
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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
}
