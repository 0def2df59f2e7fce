package dev.coilsight.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The operations endpoints of a service: {@code GET /health} (200 while the process can work),
 * {@code GET /ready} (200 when it should get traffic: for a worker, model loaded and partitions
 * assigned) with a JSON body saying why, and {@code GET /metrics} (Prometheus text format).
 */
public final class OpsServer implements AutoCloseable {

    /** A probe's answer: up or not, and a JSON object describing it. */
    public record Status(boolean up, String json) {
    }

    static {
        // The JDK server otherwise leaves Nagle's algorithm on: small answers wait ~40 ms for a delayed ACK.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    public OpsServer(String host, int port, Supplier<Status> health, Supplier<Status> ready, Supplier<byte[]> metrics) throws IOException {
        this(host, port, 2, health, ready, metrics);
    }

    /** With {@code threads} request threads, for a service that answers more than probes. */
    public OpsServer(String host, int port, int threads, Supplier<Status> health, Supplier<Status> ready, Supplier<byte[]> metrics)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> probe(exchange, health));
        server.createContext("/ready", exchange -> probe(exchange, ready));
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
            }
        });
    }

    /** Serves {@code path} (and everything below it) with {@code handler}, next to the probes. */
    public void route(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange exchange, Supplier<Status> probe) throws IOException {
        if (allowed(exchange)) {
            Status status = probe.get();
            send(exchange, status.up() ? 200 : 503, "application/json", status.json().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        send(exchange, 405, "application/json", "{\"error\":\"method not allowed\"}".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
