package dev.coilsight.analytics.topology;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;

/**
 * Event time = when the camera captured the image, not when a worker wrote its result: windows then
 * hold what the strip looked like in that minute however far the workers lag behind. A capture time
 * later than the result's own timestamp (when the worker wrote it) by more than {@link #MAX_CLOCK_SKEW}
 * is a camera clock gone wrong: taken as it is, one record a year ahead would move stream time a year
 * on and close every window. It counts at the partition's time instead.
 */
public final class CapturedAtTimestampExtractor implements TimestampExtractor {

    /** How far ahead of the result's timestamp a capture time may lie (clocks of cameras and workers differ). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long written = record.timestamp() >= 0 ? record.timestamp() : partitionTime;
        Instant captured = capturedAt(record.value());
        if (captured == null) {
            return written;
        }
        long at = captured.toEpochMilli();
        if (record.timestamp() >= 0 && at > record.timestamp() + MAX_CLOCK_SKEW.toMillis()) {
            return partitionTime >= 0 ? partitionTime : record.timestamp();
        }
        return at;
    }

    private static Instant capturedAt(Object value) {
        if (value instanceof ImageClassified c) {
            return c.getCapturedAt();
        }
        if (value instanceof DefectSegmentation s) {
            return s.getCapturedAt();
        }
        if (value instanceof DefectiveImage d) {
            return d.getImage().getCapturedAt();
        }
        return null;
    }
}
