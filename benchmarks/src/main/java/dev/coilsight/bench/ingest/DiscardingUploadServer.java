package dev.coilsight.bench.ingest;

import java.time.Duration;

import dev.coilsight.bench.http.DiscardingFront;
import dev.coilsight.serviceruntime.http.HttpFront;

/**
 * The same HTTP front as ingest's, with the same request bound, whose handler only reads the body and answers 202:
 * no Kafka at all, so its rate is the HTTP stack's own ceiling on this machine.
 */
final class DiscardingUploadServer implements UploadServer {

    private final int maxRequests;
    private HttpFront server;

    DiscardingUploadServer(int maxRequests) {
        this.maxRequests = maxRequests;
    }

    @Override
    public int start(String topic) {
        server = DiscardingFront.start("discarding", maxRequests, Duration.ofSeconds(30));
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
