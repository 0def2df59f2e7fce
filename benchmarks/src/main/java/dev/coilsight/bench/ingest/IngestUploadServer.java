package dev.coilsight.bench.ingest;

import java.io.IOException;
import java.util.Optional;

import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.http.IngestHttpServer;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;

/** The real ingest HTTP server (token check, image check, Avro, publish, 202 after the broker's ack), as {@code ./coilsight ingest} runs it. */
final class IngestUploadServer implements UploadServer {

    /** The bearer token the bench clients send; the server refuses uploads without it, as in production. */
    static final String TOKEN = "bench-token-0123456789abcdef";

    private final LoadSettings settings;
    private ImagePublisher publisher;
    private IngestHttpServer server;

    IngestUploadServer(LoadSettings settings) {
        this.settings = settings;
    }

    @Override
    public int start(String topic) throws IOException {
        publisher = settings.publisher(topic);
        ImageLimits limits = ImageLimits.DEFAULT;
        server = new IngestHttpServer(new IngestHttpServer.Settings("127.0.0.1", 0, settings.httpThreads(), Optional.of(TOKEN), limits.maxBytes(),
                "bench"), new ImageEvents(limits, false), publisher, new IngestMetrics(), () -> true);
        server.start();
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }
}
