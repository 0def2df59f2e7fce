package dev.coilsight.analytics.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;

/**
 * Event time = when the camera captured the image, not when a worker wrote its result: windows then
 * hold what the strip looked like in that minute however far the workers lag behind.
 */
public final class CapturedAtTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object value = record.value();
        if (value instanceof ImageClassified c) {
            return c.getCapturedAt().toEpochMilli();
        }
        if (value instanceof DefectSegmentation s) {
            return s.getCapturedAt().toEpochMilli();
        }
        if (value instanceof DefectiveImage d) {
            return d.getImage().getCapturedAt().toEpochMilli();
        }
        // Anything else keeps the broker's timestamp, or the partition's time if it has none.
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
