package dev.coilsight.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.serviceruntime.http.HttpFront;
import dev.coilsight.serviceruntime.http.HttpSettings;

/**
 * Coilsight's HTTP front (Jetty through http-spi, with the services' limits) serving one upload route that reads each
 * body whole, as ingest does, and answers 202 without doing anything with it: what the front itself costs per upload.
 */
public final class DiscardingFront {

    private DiscardingFront() {
    }

    /** Starts the front on a free loopback port, handling {@code maxRequests} requests at once. */
    public static HttpFront start(String name, int maxRequests, Duration requestTimeout) {
        HttpFront front = new HttpFront(name, new HttpSettings("127.0.0.1", 0, maxRequests, Duration.ofSeconds(10), requestTimeout,
                16_384, 1024), () -> new HttpFront.Status(true, "{}"), () -> new HttpFront.Status(true, "{}"), () -> new byte[0]);
        front.route("/", DiscardingFront::accept);
        front.start();
        return front;
    }

    /** Reads the upload whole and answers 202; closing the exchange is left to the server. */
    static void accept(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        exchange.sendResponseHeaders(202, CandidateServer.ANSWER.length);
        exchange.getResponseBody().write(CandidateServer.ANSWER);
    }
}
