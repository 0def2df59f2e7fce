package dev.coilsight.bench.ingest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * The same JDK HTTP server with the same worker threads, whose handler only reads the body and
 * answers 202: no Kafka at all, so its rate is the HTTP stack's own ceiling on this machine.
 */
final class DiscardingUploadServer implements UploadServer {

    private static final byte[] ANSWER = "{}".getBytes(StandardCharsets.UTF_8);

    private final int threads;
    private HttpServer server;
    private ExecutorService executor;

    DiscardingUploadServer(int threads) {
        this.threads = threads;
    }

    @Override
    public int start(String topic) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "discarding-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(202, ANSWER.length);
                exchange.getResponseBody().write(ANSWER);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(1);
        }
        if (executor != null) {
            executor.shutdown();
        }
    }
}
