package dev.coilsight.ingest;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.coilsight.ingest.publish.ImagePublisher;

/**
 * A new images topic on the real broker and a publisher to it for every test, closed after it:
 * {@code @RegisterExtension final FreshTopic sink = new FreshTopic(3);}
 */
public final class FreshTopic implements BeforeEachCallback, AfterEachCallback {

    private final int partitions;
    private String topic;
    private ImagePublisher publisher;

    public FreshTopic(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        topic = IngestFixture.newTopic(partitions);
        publisher = IngestFixture.publisher(topic);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        publisher.close();
    }

    public String topic() {
        return topic;
    }

    public ImagePublisher publisher() {
        return publisher;
    }
}
