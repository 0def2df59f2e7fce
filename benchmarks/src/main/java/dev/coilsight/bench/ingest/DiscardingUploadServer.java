package dev.coilsight.bench.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.coilsight.serviceruntime.http.HttpFront;
import dev.coilsight.serviceruntime.http.HttpSettings;

/**
 * The same HTTP front as ingest's, with the same request bound, whose handler only reads the body and answers 202:
 * no Kafka at all, so its rate is the HTTP stack's own ceiling on this machine.
 */
final class DiscardingUploadServer implements UploadServer {

    private static final byte[] ANSWER = "{}".getBytes(StandardCharsets.UTF_8);

    private final int maxRequests;
    private HttpFront server;

    DiscardingUploadServer(int maxRequests) {
        this.maxRequests = maxRequests;
    }

    @Override
    public int start(String topic) {
        server = new HttpFront("discarding", new HttpSettings("127.0.0.1", 0, maxRequests, Duration.ofSeconds(10), Duration.ofSeconds(30),
                16_384, 1024), () -> new HttpFront.Status(true, "{}"), () -> new HttpFront.Status(true, "{}"), () -> new byte[0]);
        server.route("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(202, ANSWER.length);
            exchange.getResponseBody().write(ANSWER);
        });
        server.start();
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
