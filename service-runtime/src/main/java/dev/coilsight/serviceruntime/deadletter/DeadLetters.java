package dev.coilsight.serviceruntime.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records: the original key, value and headers, untouched, with headers that say where they
 * came from and why they could not be processed. The headers added here are UTF-8 strings.
 */
public final class DeadLetters {

    private static final String PREFIX = "coilsight.dlq.";
    public static final String STAGE = "coilsight.dlq.stage";
    public static final String REASON = "coilsight.dlq.reason";
    public static final String ERROR_CLASS = "coilsight.dlq.error.class";
    public static final String ERROR_MESSAGE = "coilsight.dlq.error.message";
    public static final String SOURCE_TOPIC = "coilsight.dlq.source.topic";
    public static final String SOURCE_PARTITION = "coilsight.dlq.source.partition";
    public static final String SOURCE_OFFSET = "coilsight.dlq.source.offset";
    /** The source record's own time stamp (ISO-8601), when it had one. */
    public static final String SOURCE_TIMESTAMP = "coilsight.dlq.source.timestamp";
    public static final String FAILED_AT = "coilsight.dlq.failed.at";
    public static final String MODEL = "coilsight.dlq.model";
    /** Set when the original value was too large to be written again: its size; read it from the source offset. */
    public static final String VALUE_OMITTED = "coilsight.dlq.value.omitted.bytes";
    /**
     * On a record sent again from the dead-letter topic to its source topic: the dead letter it came from. Outside the
     * {@code coilsight.dlq.} prefix, so that a record dead-lettered again still says it was redriven.
     */
    public static final String REDRIVEN_FROM = "coilsight.redriven.from";

    /** Messages longer than this are cut (a header is no place for a stack of causes). */
    static final int MAX_MESSAGE = 2000;

    /** Why a record was dead-lettered. */
    public enum Reason {
        /** Value not in the Confluent wire format (no magic byte 0 + schema id). */
        NOT_CONFLUENT_AVRO,
        /** The record names a schema id the registry does not know. */
        UNKNOWN_SCHEMA,
        /** Confluent framing and a known schema, but the Avro payload cannot be read (truncated, corrupt, no value). */
        UNREADABLE_RECORD,
        /** The image bytes are not a PNG or JPEG. */
        NOT_AN_IMAGE,
        /** The image is over the configured size limits. */
        TOO_LARGE,
        /** A PNG or JPEG that is truncated or corrupt. */
        CORRUPT,
        /** A valid image the model cannot take (e.g. smaller than the classifier's window). */
        MODEL_INPUT,
        /** The model (or its post-processing) failed on this record alone. */
        MODEL_ERROR,
        /** A stage without a model (e.g. the coil aggregation) failed on this record alone. */
        PROCESSING_ERROR,
        /** The worker process died twice while this record was in flight (a native crash, the OOM killer): it is not run again. */
        CRASHED
    }

    private final String stage;
    private final String topic;
    private final int maxRecordBytes;

    /**
     * Why a record could not be deserialized, from the exception of a Confluent-wire-format Avro
     * deserializer; empty when the cause is the registry being unreachable (a retry may succeed, so the
     * record must not be dead-lettered).
     */
    public static java.util.Optional<Reason> readFailure(byte[] value, Throwable error) {
        if (value == null) {
            return java.util.Optional.of(Reason.UNREADABLE_RECORD);
        }
        if (value.length < 5 || value[0] != 0) {
            return java.util.Optional.of(Reason.NOT_CONFLUENT_AVRO);
        }
        Throwable cause = error.getCause();
        if (cause instanceof dev.coilsight.schemas.registry.SchemaRegistryException.NotFound) {
            return java.util.Optional.of(Reason.UNKNOWN_SCHEMA);
        }
        if (dev.coilsight.schemas.registry.SchemaRegistryException.passing(error)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Reason.UNREADABLE_RECORD);
    }

    public DeadLetters(String stage, String topic) {
        this(stage, topic, Integer.MAX_VALUE);
    }

    /**
     * @param maxRecordBytes what the producer can write; a dead letter that would not fit keeps its headers and
     *     key but not its value (which stays readable at the source offset named in the headers)
     */
    public DeadLetters(String stage, String topic, int maxRecordBytes) {
        this.stage = stage;
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
    }

    public String topic() {
        return topic;
    }

    public ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, Reason reason, Throwable error, String model) {
        return of(source.topic(), source.partition(), source.offset(), source.timestamp(), source.headers(), source.key(), source.value(),
                reason, error, model);
    }

    /**
     * A dead letter of the raw bytes read at this topic, partition and offset. It keeps the source record's own headers
     * (the image id and source that ingest stamps, say) and its time stamp, so that what it was can be told from the
     * dead letter alone, also once retention has deleted the source offset.
     */
    public ProducerRecord<byte[], byte[]> of(String sourceTopic, int partition, long offset, long sourceTimestamp, Headers sourceHeaders,
            byte[] key, byte[] value, Reason reason, Throwable error, String model) {
        Headers headers = new RecordHeaders();
        if (sourceHeaders != null) {
            for (var header : sourceHeaders) {
                if (!header.key().startsWith(PREFIX)) { // a record dead-lettered again gets this stage's account, not two
                    headers.add(header.key(), header.value());
                }
            }
        }
        add(headers, STAGE, stage);
        add(headers, REASON, reason.name());
        add(headers, ERROR_CLASS, error.getClass().getName());
        String message = String.valueOf(error.getMessage());
        add(headers, ERROR_MESSAGE, message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message);
        add(headers, SOURCE_TOPIC, sourceTopic);
        add(headers, SOURCE_PARTITION, String.valueOf(partition));
        add(headers, SOURCE_OFFSET, String.valueOf(offset));
        if (sourceTimestamp >= 0) {
            add(headers, SOURCE_TIMESTAMP, Instant.ofEpochMilli(sourceTimestamp).toString());
        }
        add(headers, FAILED_AT, Instant.now().toString());
        if (model != null) {
            add(headers, MODEL, model);
        }
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + 512L;
        for (var header : headers) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length) + 8;
        }
        if (value != null && size > maxRecordBytes) {
            add(headers, VALUE_OMITTED, String.valueOf(value.length));
            return new ProducerRecord<>(topic, null, key, null, headers);
        }
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
