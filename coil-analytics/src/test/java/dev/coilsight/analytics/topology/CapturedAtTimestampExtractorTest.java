package dev.coilsight.analytics.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.Records;
import dev.coilsight.schemas.ImageClassified;

class CapturedAtTimestampExtractorTest {

    private static final long WRITTEN = Instant.parse("2026-12-07T08:00:00Z").toEpochMilli();

    private static long eventTime(Instant capturedAt) {
        ImageClassified c = Records.classified("c", "i", "L1", capturedAt.toEpochMilli(), false);
        ConsumerRecord<Object, Object> record = new ConsumerRecord<>("t", 0, 0, WRITTEN, TimestampType.CREATE_TIME, 0, 0, "c", c,
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        return new CapturedAtTimestampExtractor().extract(record, WRITTEN - 60_000);
    }

    @Test
    void anImageCountsAtItsCaptureTimeHoweverLateItsResultWasWritten() {
        assertThat(eventTime(Instant.ofEpochMilli(WRITTEN - 3_600_000))).isEqualTo(WRITTEN - 3_600_000);
    }

    @Test
    void aCameraClockAFewMinutesFastDoesNotMoveStreamTimePastWhenTheResultWasWritten() {
        assertThat(eventTime(Instant.ofEpochMilli(WRITTEN + 120_000))).isEqualTo(WRITTEN);
    }

    @Test
    void aCaptureTimeFarAheadCountsAtThePartitionsTime() {
        assertThat(eventTime(Instant.ofEpochMilli(WRITTEN + 365L * 24 * 3_600_000))).isEqualTo(WRITTEN - 60_000);
    }

    @Test
    void aCaptureTimeBefore1970CountsWhenItsResultWasWrittenNotNowhere() {
        // Kafka Streams skips a record whose extracted time is negative, silently.
        assertThat(eventTime(Instant.ofEpochMilli(-60_000))).isEqualTo(WRITTEN);
    }
}
