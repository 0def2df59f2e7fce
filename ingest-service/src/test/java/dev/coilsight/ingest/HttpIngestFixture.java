package dev.coilsight.ingest;

import java.io.IOException;
import java.util.Optional;

import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.http.IngestHttpServer;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;

/**
 * An ingest HTTP server on 127.0.0.1 that publishes to a topic on the real broker and registry, ready when the broker
 * is, with its publisher and metrics: what the HTTP integration tests start once per class. Closing it closes both.
 */
record HttpIngestFixture(ImagePublisher publisher, IngestMetrics metrics, IngestHttpServer server) implements AutoCloseable {

    /** A server on 127.0.0.1 at a free port, 4 requests at once, with the token and the largest image it takes. */
    static IngestHttpServer.Settings localSettings(String token, long maxImageBytes) {
        return new IngestHttpServer.Settings("127.0.0.1", 0, 4, Optional.of(token), maxImageBytes, "http");
    }

    /** Starts a server that checks images against the limits and publishes them to the topic. */
    static HttpIngestFixture start(String topic, IngestHttpServer.Settings settings, ImageLimits limits) throws IOException {
        ImagePublisher publisher = IngestFixture.publisher(topic);
        IngestMetrics metrics = new IngestMetrics();
        IngestHttpServer server = null;
        try {
            server = new IngestHttpServer(settings, new ImageEvents(limits, false), publisher, metrics, publisher::brokerReachable);
            server.start();
            return new HttpIngestFixture(publisher, metrics, server);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            publisher.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}, to which a route's path is appended. */
    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
        publisher.close();
    }
}
