package dev.coilsight.bench.ingest;

import java.time.Instant;
import java.util.UUID;

import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;

/**
 * Ingest's Kafka side without HTTP: per image the header check and Avro envelope of an upload, then
 * ImagePublisher's send-and-wait, from {@code clients} threads. Splits the HTTP/raw gap into what
 * Kafka + Avro cost and what the HTTP stack costs.
 */
final class PublisherLoad extends SendAndWaitLoad {

    private final ImageEvents events = new ImageEvents(ImageLimits.DEFAULT, false);
    private ImagePublisher publisher;

    PublisherLoad(LoadSettings settings) {
        super(settings, "publisher");
    }

    @Override
    void open(String topic) {
        publisher = settings.publisher(topic);
    }

    @Override
    boolean sendAndWait(String topic, long i, byte[] image) {
        ImageMetadata metadata = new ImageMetadata(Load.coil(i), "bench", i, Instant.now(), null, null);
        publisher.publish(events.build(UUID.randomUUID().toString(), metadata, image), "bench");
        return true;
    }

    @Override
    void release() {
        if (publisher != null) {
            publisher.close();
        }
    }
}
