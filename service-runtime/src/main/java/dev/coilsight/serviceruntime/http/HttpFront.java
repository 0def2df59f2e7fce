package dev.coilsight.serviceruntime.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.coilsight.serviceruntime.config.Env;

/**
 * A service's HTTP front on Jetty: {@code GET /health}, {@code /ready} (JSON, 200 or 503) and {@code /metrics}
 * (Prometheus text) from one place, beside the service's own routes (JDK {@code HttpHandler}s, run by Jetty's
 * http-spi). What an idle or slow client can take is bounded ({@link HttpSettings}): connections that send
 * nothing are closed after the idle timeout, heads that trickle after the header timeout ({@link HeaderDeadline}),
 * bodies that trickle after the request timeout (408), and requests
 * beyond the bound get 503 with {@code Retry-After}, while the probes and /metrics are never counted against it,
 * so an orchestrator still sees the truth when every request slot is busy. Jetty reads headers without holding a
 * thread, so half-open connections cost no request slot. Every error is {@link ErrorBody}'s JSON.
 */
public final class HttpFront implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpFront.class);
    /** What slow or broken clients cause is logged once per kind and 30 s: a client must not be able to fill the log. */
    private final LogRate clientTrouble = new LogRate(java.time.Duration.ofSeconds(30));
    /** Threads beyond the request bound: Jetty's selector and acceptor, and the probes. */
    private static final int SPARE_THREADS = 12;
    /** Bytes read from a connection at a time (Jetty takes the buffer only while a request is being read). */
    private static final int INPUT_BUFFER_BYTES = 64 * 1024;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** A probe's answer: up or not, and a JSON object describing it. */
    public record Status(boolean up, String json) {
    }

    private final String name;
    /** The longest a stop waits for requests in flight: within the shortest grace period Kubernetes gives these pods (30 s). */
    static final Duration MAX_STOP_DRAIN = Duration.ofSeconds(20);

    private final HttpSettings settings;
    private final Server server;
    private final ServerConnector connector;
    private final JettyHttpServer http;

    public HttpFront(String name, HttpSettings settings, Supplier<Status> health, Supplier<Status> ready, Supplier<byte[]> metrics) {
        this.name = name;
        this.settings = settings;
        QueuedThreadPool threads = new QueuedThreadPool(settings.maxRequests() + SPARE_THREADS, 4);
        threads.setName(name + "-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(settings.maxHeaderBytes());
        config.setSendServerVersion(false);
        HttpConnectionFactory http1 = new HttpConnectionFactory(config);
        // Image bodies are hundreds of kilobytes: Jetty's 8 KiB default reads one in dozens of system calls.
        http1.setInputBufferSize(Math.max(INPUT_BUFFER_BYTES, settings.maxHeaderBytes()));
        connector = new ServerConnector(server, http1);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        connector.setAcceptedTcpNoDelay(true); // small answers must not wait for the client's delayed ACK
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(settings.maxConnections(), server));

        ContextHandlerCollection contexts = new ContextHandlerCollection(true);
        BoundedRequests bounded = new BoundedRequests(contexts);
        bounded.setMaxRequestCount(settings.maxRequests());
        bounded.setMaxSuspendedRequestCount(0); // no queue: a client told to come back is better than one left waiting
        bounded.excludePath("/health");
        bounded.excludePath("/ready");
        bounded.excludePath("/metrics");
        HeaderDeadline headerDeadline = new HeaderDeadline(name, clientTrouble, new RequestHeaders.Keeper(bounded), settings.headerTimeout(),
                connector.getScheduler());
        connector.addEventListener(headerDeadline);
        // On stop, requests in flight finish (an upload gets its broker's answer) while new ones get 503.
        server.setHandler(new GracefulHandler(headerDeadline));
        server.setStopTimeout(Math.min(MAX_STOP_DRAIN.toMillis(), settings.requestTimeout().toMillis()));
        server.setErrorHandler(new JsonErrors());

        http = new JettyHttpServer(server, true);
        route("/health", exchange -> probe(exchange, health));
        route("/ready", exchange -> probe(exchange, ready));
        route("/metrics", exchange -> {
            if (allowed(exchange)) {
                send(exchange, 200, PROMETHEUS_TEXT, metrics.get());
            }
        });
    }

    /**
     * Serves {@code path} and the paths below it (by segment: {@code /v1} takes {@code /v1/x}, not {@code /v1x}).
     * The handler's request body is bounded by the request timeout; a handler that throws answers 500, never an
     * empty 200.
     */
    public void route(String path, HttpHandler handler) {
        // A Jetty context path has no trailing slash: "/v1/" is served as "/v1" (and everything below it).
        String context = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        http.createContext(context, exchange -> handleGuarded(exchange, handler));
    }

    private void handleGuarded(HttpExchange exchange, HttpHandler handler) throws IOException {
        try {
            if (!validTarget(exchange)) {
                return;
            }
            exchange.setStreams(new DeadlineInputStream(exchange.getRequestBody(), settings.requestTimeout().toMillis()), null);
            handler.handle(exchange);
        } catch (BodyTimeoutException e) {
            long leftOut = clientTrouble.admit("slow body");
            if (leftOut >= 0) {
                log.info("{}: {} {} from {}: {}{}", name, exchange.getRequestMethod(), Env.logSafe(exchange.getRequestURI().getPath()),
                        exchange.getRemoteAddress(), e.getMessage(), clientTrouble.suffix(leftOut));
            }
            if (exchange.getResponseCode() <= 0) {
                exchange.getResponseHeaders().set("Connection", "close");
                ErrorBody.send(exchange, 408, "request_timeout", e.getMessage());
            }
        } catch (IOException e) {
            // The body stalled past the idle timeout, or the client went away. Jetty would complete an unanswered
            // exchange as an empty 200: answer 408 where the connection still takes it.
            if (exchange.getResponseCode() <= 0) {
                try {
                    exchange.getResponseHeaders().set("Connection", "close");
                    ErrorBody.send(exchange, 408, "request_timeout", "the request body stopped arriving: " + e.getMessage());
                } catch (IOException | RuntimeException gone) {
                    // nobody to answer
                }
            }
        } catch (RuntimeException e) {
            log.error("{}: unexpected failure on {} {}: {}", name, exchange.getRequestMethod(), Env.logSafe(exchange.getRequestURI().getPath()),
                    e.toString(), e);
            if (exchange.getResponseCode() <= 0) {
                ErrorBody.send(exchange, 500, "internal_error", "unexpected failure: " + e.getClass().getSimpleName());
            }
        } finally {
            exchange.close();
        }
    }

    /**
     * Jetty takes request targets that {@link java.net.URI} refuses (a query like {@code ?x=%zz}, {@code |} or {@code <}),
     * and the exchange's {@code getRequestURI} then throws wherever it is asked: such a request is answered 400 here,
     * before any handler (or log line) asks.
     */
    private boolean validTarget(HttpExchange exchange) throws IOException {
        try {
            exchange.getRequestURI();
            return true;
        } catch (IllegalArgumentException e) {
            long leftOut = clientTrouble.admit("bad target");
            if (leftOut >= 0) {
                log.info("{}: refused a request from {} whose target is no URI: {}{}", name, exchange.getRemoteAddress(),
                        Env.logSafe(e.getMessage()), clientTrouble.suffix(leftOut));
            }
            exchange.getResponseHeaders().set("Connection", "close");
            ErrorBody.send(exchange, 400, "bad_request", "the request target is not a valid URI: " + e.getMessage());
            return false;
        }
    }

    /**
     * Binds the port now, before {@link #start()}, for a service that must know the port it really has (0 = any free
     * port) before it can start the rest; returns it.
     */
    public int bind() {
        try {
            connector.open();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(name + ": cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return port();
    }

    public void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(name + ": cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        log.info("{} HTTP listening on {}:{} (at most {} requests at once, idle timeout {} ms, header timeout {} ms, request timeout {} ms)",
                name, settings.host(), port(), settings.maxRequests(), settings.idleTimeout().toMillis(), settings.headerTimeout().toMillis(),
                settings.requestTimeout().toMillis());
    }

    public int port() {
        return connector.getLocalPort();
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
        ErrorBody.send(exchange, 405, "method_not_allowed", exchange.getRequestMethod() + " is not allowed on "
                + exchange.getRequestURI().getPath() + "; use GET");
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        Answers.send(exchange, status, type, body);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("{}: HTTP server did not stop cleanly: {}", name, e.toString());
        }
    }

    /** The request bound, answering beyond it with the JSON error and {@code Retry-After}. */
    private static final class BoundedRequests extends QoSHandler {
        BoundedRequests(Handler next) {
            super(next);
        }

        @Override
        protected void reject(Request request, Response response, Callback callback, int status) {
            busy(response, callback);
        }

        @Override
        protected void failSuspended(Request request, Response response, Callback callback, int status, Throwable failure) {
            busy(response, callback);
        }

        private static void busy(Response response, Callback callback) {
            response.setStatus(503);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            // The refused request's body is not read, so the connection ends here: said, a client does not send its retry on it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(ErrorBody.json(503, "busy", "every request slot is taken (COILSIGHT_HTTP_MAX_REQUESTS); "
                    + "send again after Retry-After")), callback);
        }
    }

    /** Jetty's own errors (a malformed request line, headers too large) as the JSON error too. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() <= 0 ? 500 : response.getStatus();
            Object message = request.getAttribute(ERROR_MESSAGE);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(ErrorBody.json(status, ErrorBody.reason(status), message == null ? ErrorBody.phrase(status)
                    : message.toString())), callback);
            return true;
        }
    }
}
