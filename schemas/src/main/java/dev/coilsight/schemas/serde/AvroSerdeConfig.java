package dev.coilsight.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

/**
 * Serde settings besides the registry client's ({@link dev.coilsight.schemas.registry.RegistryClientConfig}):
 * <ul>
 *   <li>{@code auto.register.schemas} (default {@code true}): the serializer registers the record's schema
 *       on first use. Turn it off in production, where {@code ./coilsight schemas register} is the deploy
 *       step: the serializer then only looks the schema up and fails if it is not registered.</li>
 *   <li>{@code specific.avro.value.type} / {@code specific.avro.key.type}: the generated class a
 *       deserializer built by Kafka from a class name should produce.</li>
 * </ul>
 */
public record AvroSerdeConfig(boolean autoRegister) {

    public static final String AUTO_REGISTER = "auto.register.schemas";
    public static final String VALUE_TYPE = "specific.avro.value.type";
    public static final String KEY_TYPE = "specific.avro.key.type";

    public static AvroSerdeConfig fromMap(Map<String, ?> configs) {
        Object raw = configs.get(AUTO_REGISTER);
        boolean autoRegister = raw == null || Boolean.parseBoolean(raw.toString().trim());
        return new AvroSerdeConfig(autoRegister);
    }

    /** The generated record class named by {@code specific.avro.(key|value).type}. */
    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Class<T> recordType(Map<String, ?> configs, boolean isKey) {
        String key = isKey ? KEY_TYPE : VALUE_TYPE;
        Object raw = configs.get(key);
        if (raw == null) {
            throw new IllegalArgumentException(key + " must name the generated Avro class to deserialize into, "
                    + "e.g. dev.coilsight.schemas.ImageCaptured");
        }
        if (raw instanceof Class<?> c) {
            return (Class<T>) c;
        }
        try {
            Class<?> type = Class.forName(raw.toString().trim());
            if (!SpecificRecord.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(key + "=" + raw + " is not a generated Avro record class");
            }
            return (Class<T>) type;
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(key + "=" + raw + ": no such class", e);
        }
    }
}
