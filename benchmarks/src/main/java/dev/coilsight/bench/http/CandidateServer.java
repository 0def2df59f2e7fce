package dev.coilsight.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import com.sun.net.httpserver.HttpServer;

import dev.coilsight.serviceruntime.http.HttpFront;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * An embedded HTTP server the front could be built on, serving one upload route that reads the whole body into a
 * byte array (as ingest does) and answers 202: what each costs per upload, with the same request bound.
 */
interface CandidateServer extends AutoCloseable {

    byte[] ANSWER = "{}".getBytes(StandardCharsets.UTF_8);

    /** Starts on a free loopback port and returns it. */
    int start(int maxRequests) throws Exception;

    @Override
    void close() throws Exception;

    /** The candidates by the name {@code --servers} takes. */
    static CandidateServer named(String name) {
        return switch (name) {
            case "jetty-front" -> new JettyFront();
            case "jetty-core" -> new JettyCore();
            case "jdk" -> new Jdk();
            case "undertow" -> new UndertowServer();
            case "vertx" -> new VertxServer();
            default -> throw new IllegalArgumentException("unknown server '" + name + "'; the servers are " + String.join(", ", NAMES));
        };
    }

    String[] NAMES = {"jetty-front", "jetty-core", "jdk", "undertow", "vertx"};

    /** Coilsight's own front: Jetty 12 running the services' JDK-style handlers through jetty-http-spi, with its limits. */
    final class JettyFront implements CandidateServer {
        private HttpFront front;

        @Override
        public int start(int maxRequests) {
            front = DiscardingFront.start("bench", maxRequests, Duration.ofSeconds(60));
            return front.port();
        }

        @Override
        public void close() {
            front.close();
        }
    }

    /** Jetty 12's own handler API, blocking reads on its thread pool: what the front would cost without http-spi. */
    final class JettyCore implements CandidateServer {
        private Server server;
        private ServerConnector connector;

        @Override
        public int start(int maxRequests) throws Exception {
            server = new Server(new QueuedThreadPool(maxRequests + 8, 4));
            connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract(Handler.Abstract.InvocationType.BLOCKING) {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    try (InputStream in = Request.asInputStream(request)) {
                        in.readAllBytes();
                    }
                    response.setStatus(202);
                    response.write(true, java.nio.ByteBuffer.wrap(ANSWER), callback);
                    return true;
                }
            });
            server.start();
            return connector.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    /** The JDK's com.sun.net.httpserver on a fixed pool: what the services ran on before the front. */
    final class Jdk implements CandidateServer {
        private HttpServer server;
        private ExecutorService threads;

        @Override
        public int start(int maxRequests) throws IOException {
            // jetty-http-spi on the class path registers itself as the provider: ask for the JDK's own.
            System.setProperty("com.sun.net.httpserver.HttpServerProvider", "sun.net.httpserver.DefaultHttpServerProvider");
            // Without it small answers wait for the client's delayed ACK (~40 ms each); the services set it too.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            if (!server.getClass().getName().startsWith("sun.net.httpserver.")) {
                throw new IllegalStateException("the JDK HttpServer was asked for, but " + server.getClass().getName() + " came");
            }
            threads = Executors.newFixedThreadPool(maxRequests);
            server.setExecutor(threads);
            server.createContext("/", exchange -> {
                DiscardingFront.accept(exchange);
                exchange.close();
            });
            server.start();
            return server.getAddress().getPort();
        }

        @Override
        public void close() throws InterruptedException {
            server.stop(0);
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Undertow 2.4 (XNIO), the body read blocking on a worker thread. */
    final class UndertowServer implements CandidateServer {
        private Undertow server;

        @Override
        public int start(int maxRequests) {
            server = Undertow.builder()
                    .addHttpListener(0, "127.0.0.1")
                    .setIoThreads(2)
                    .setWorkerThreads(maxRequests)
                    // Its default refuses bodies over a few megabytes; the front takes images up to COILSIGHT_MAX_IMAGE_BYTES.
                    .setServerOption(io.undertow.UndertowOptions.MAX_ENTITY_SIZE, 64L << 20)
                    .setHandler(this::handle)
                    .build();
            server.start();
            return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        }

        private void handle(HttpServerExchange exchange) throws IOException {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this::handle);
                return;
            }
            exchange.startBlocking();
            try (InputStream in = exchange.getInputStream()) {
                in.readAllBytes();
            }
            exchange.setStatusCode(202);
            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(ANSWER));
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    /** Vert.x 5 (Netty): the body gathered on the event loop, then copied into an array. */
    final class VertxServer implements CandidateServer {
        private Vertx vertx;

        @Override
        public int start(int maxRequests) throws Exception {
            vertx = Vertx.vertx();
            io.vertx.core.http.HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        body.getBytes();
                        request.response().setStatusCode(202).end(io.vertx.core.buffer.Buffer.buffer(ANSWER));
                    }));
            return server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
