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
 * hold what the strip looked like in that minute however far the workers lag behind. Never later than the
 * result's own timestamp (when the worker wrote it), though: a capture time after that is a camera clock
 * running ahead, and taken as it is it would move the stream time of every coil and line sharing the
 * partition ahead, so that their on-time images fell behind the windows' grace and were dropped. A capture
 * time more than {@link #MAX_CLOCK_SKEW} ahead is a clock gone wrong (or an image replayed with a future
 * time): it counts at the partition's time, which it then leaves where it was.
 */
public final class CapturedAtTimestampExtractor implements TimestampExtractor {

    /** How far ahead of the result's timestamp a capture time counts as a clock a little fast, not one gone wrong. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long written = record.timestamp() >= 0 ? record.timestamp() : partitionTime;
        Instant captured = capturedAt(record.value());
        if (captured == null) {
            return written;
        }
        long at = captured.toEpochMilli();
        if (at < 0) {
            // Before 1970: Kafka Streams would skip the record without a word, and its image would be missing from its coil.
            return written >= 0 ? written : 0;
        }
        if (record.timestamp() < 0 || at <= record.timestamp()) {
            return at;
        }
        if (at > record.timestamp() + MAX_CLOCK_SKEW.toMillis()) {
            return partitionTime >= 0 ? partitionTime : record.timestamp();
        }
        return record.timestamp();
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
