package dev.coilsight.serviceruntime.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What one dead letter on the dead-letter topic says, read back from its headers ({@link DeadLetters} writes them): where
 * it lies, which stage gave up on which record and why. The value itself is not kept here (an image can be megabytes).
 *
 * @param at           the dead letter's own place on the dead-letter topic
 * @param failedAt     when the stage gave up; null when the header is missing or unreadable
 * @param imageId      the image id ingest stamped on the source record, when it had one
 * @param coilId       the record key (every pipeline topic is keyed by coil id); null without a key
 * @param valueBytes   the size of the source record's value: the dead letter's own, or the omitted value's
 * @param valueOmitted the value was too large to be written again and must be read at the source offset
 * @param redrivenFrom the dead letter this record was redriven from before it failed again, when it was
 */
public record DeadLetter(Offset at, Instant failedAt, String stage, String reason, String errorClass, String errorMessage, Offset source,
                         String model, String imageId, String coilId, long valueBytes, boolean valueOmitted, String redrivenFrom) {

    /** The header ingest puts the image id in ({@code ImagePublisher.IMAGE_ID_HEADER}). */
    static final String IMAGE_ID_HEADER = "coilsight-image-id";

    /** A record's place: topic, partition and offset, written {@code topic-partition@offset}. */
    public record Offset(String topic, int partition, long offset) {

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** The same without what only a listing shows (the error): what a redrive keeps of each of perhaps millions. */
    public DeadLetter forRedrive() {
        return new DeadLetter(at, failedAt, stage, reason, null, null, source, null, null, coilId, valueBytes, valueOmitted, null);
    }

    /** The dead letter this record is, or empty when it is not one (a redrive's mark, a record some other tool wrote). */
    public static Optional<DeadLetter> of(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String stage = text(headers, DeadLetters.STAGE);
        String reason = text(headers, DeadLetters.REASON);
        if (stage == null || reason == null) {
            return Optional.empty();
        }
        String omitted = text(headers, DeadLetters.VALUE_OMITTED);
        long valueBytes = record.value() != null ? record.value().length : omitted != null ? number(omitted, 0) : 0;
        Offset source = new Offset(String.valueOf(text(headers, DeadLetters.SOURCE_TOPIC)),
                (int) number(text(headers, DeadLetters.SOURCE_PARTITION), -1), number(text(headers, DeadLetters.SOURCE_OFFSET), -1));
        return Optional.of(new DeadLetter(new Offset(record.topic(), record.partition(), record.offset()), instant(text(headers, DeadLetters.FAILED_AT)),
                stage, reason, text(headers, DeadLetters.ERROR_CLASS), text(headers, DeadLetters.ERROR_MESSAGE), source,
                text(headers, DeadLetters.MODEL), text(headers, IMAGE_ID_HEADER),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), valueBytes, omitted != null && record.value() == null,
                text(headers, DeadLetters.REDRIVEN_FROM)));
    }

    /** The last value of a header as UTF-8 text, or null. */
    static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long number(String text, long otherwise) {
        try {
            return text == null ? otherwise : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
