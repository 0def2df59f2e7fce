package dev.coilsight.serviceruntime.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private final DeadLetters deadLetters = new DeadLetters("classifier", "steel.dlq", 4000);

    private static ConsumerRecord<byte[], byte[]> image(byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("coilsight-image-id", "img-42".getBytes(StandardCharsets.UTF_8));
        headers.add("coilsight-source", "http".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.STAGE, "an earlier stage".getBytes(StandardCharsets.UTF_8));
        headers.add("a-flag-without-value", null); // Kafka allows null header values
        return new ConsumerRecord<>("steel.images", 2, 17L, 1_780_000_000_000L, TimestampType.CREATE_TIME, 4, value.length, "C1".getBytes(
                StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aDeadLetterKeepsTheSourceRecordsHeadersAndTimeAndSaysWhereAndWhyItFailed() {
        byte[] value = {0, 0, 0, 0, 1, 9, 9};

        ProducerRecord<byte[], byte[]> dead = deadLetters.of(image(value), DeadLetters.Reason.CORRUPT, new IllegalStateException("cut"), "m:1");

        assertThat(dead.topic()).isEqualTo("steel.dlq");
        assertThat(dead.value()).isEqualTo(value);
        assertThat(header(dead, "coilsight-image-id")).as("ingest's image id survives the source's retention").isEqualTo("img-42");
        assertThat(header(dead, "coilsight-source")).isEqualTo("http");
        assertThat(dead.headers().lastHeader("a-flag-without-value").value()).isNull();
        assertThat(header(dead, DeadLetters.SOURCE_TIMESTAMP)).isEqualTo("2026-05-28T20:26:40Z");
        assertThat(dead.headers().headers(DeadLetters.STAGE)).as("this stage's account only").hasSize(1);
        assertThat(header(dead, DeadLetters.STAGE)).isEqualTo("classifier");
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("CORRUPT");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC) + "-" + header(dead, DeadLetters.SOURCE_PARTITION) + "@"
                + header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("steel.images-2@17");
        assertThat(header(dead, DeadLetters.MODEL)).isEqualTo("m:1");
    }

    @Test
    void aDeadLetterTooLargeToWriteKeepsItsHeadersButNotItsValue() {
        ProducerRecord<byte[], byte[]> dead = deadLetters.of(image(new byte[5000]), DeadLetters.Reason.TOO_LARGE, new IllegalStateException("big"),
                null);

        assertThat(dead.value()).isNull();
        assertThat(header(dead, DeadLetters.VALUE_OMITTED)).isEqualTo("5000");
        assertThat(header(dead, "coilsight-image-id")).isEqualTo("img-42");
    }
}
