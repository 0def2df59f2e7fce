package dev.coilsight.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.Answers;
import dev.coilsight.serviceruntime.http.BearerTokens;
import dev.coilsight.serviceruntime.http.ErrorBody;
import dev.coilsight.serviceruntime.http.HttpFront;
import dev.coilsight.serviceruntime.http.LogRate;
import dev.coilsight.serviceruntime.http.HttpSettings;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageIds;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.publish.IngestRejection;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.Topics;

/**
 * The HTTP face of ingest: {@code POST /v1/coils/{coilId}/images} (raw image body or multipart; {@code X-Coil-End: true}
 * on a coil's last image), {@code POST /v1/coils/{coilId}/end} ({@link CoilEnds}),
 * {@code /openapi.json}, {@code /health}, {@code /ready}, {@code /metrics}. An upload is answered 202
 * only after the broker acknowledged the event; every refusal is a JSON error naming the problem.
 */
public final class IngestHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestHttpServer.class);
    /** Refusals are counted in the metrics; the log hears of each kind once per 30 s, whatever a client sends. */
    private final LogRate refusals = new LogRate(Duration.ofSeconds(30));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UPLOAD = Pattern.compile("/v1/coils/([^/]+)/images/?");
    private static final Pattern COIL_END = Pattern.compile("/v1/coils/([^/]+)/end/?");
    private static final String SOURCE = "http";

    /** What the server needs; a record so tests can build one without environment variables. */
    public record Settings(HttpSettings http, Optional<String> token, long maxImageBytes, String defaultCameraId,
                           Duration idempotencyWindow, int idempotencyMaxKeys, Duration maxClockSkew, String coilEndsTopic) {

        /** On {@code host:port} taking {@code maxRequests} at once, with the default timeouts, limits and idempotency window. */
        public Settings(String host, int port, int maxRequests, Optional<String> token, long maxImageBytes, String defaultCameraId) {
            this(new HttpSettings(host, port, maxRequests, Duration.ofSeconds(10), Duration.ofSeconds(30), 16_384, 1024), token,
                    maxImageBytes, defaultCameraId);
        }

        public Settings(HttpSettings http, Optional<String> token, long maxImageBytes, String defaultCameraId) {
            this(http, token, maxImageBytes, defaultCameraId, Duration.ofHours(1), 100_000, Duration.ofMinutes(5), Topics.COIL_ENDS);
        }
    }

    private final Settings settings;
    private final ImageEvents events;
    private final ImagePublisher publisher;
    private final IngestMetrics metrics;
    private final BooleanSupplier ready;
    private final HttpFront server;
    private final IdempotentUploads idempotent;
    private final Optional<BearerTokens> tokens;
    private final byte[] openApi;
    private final CoilEnds coilEnds;
    private final UploadParser uploads;

    public IngestHttpServer(Settings settings, ImageEvents events, ImagePublisher publisher, IngestMetrics metrics,
                            BooleanSupplier ready) throws IOException {
        this.settings = settings;
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.ready = ready;
        try (InputStream in = IngestHttpServer.class.getResourceAsStream("/openapi.json")) {
            this.openApi = in.readAllBytes();
        }
        this.tokens = settings.token().map(t -> BearerTokens.of("COILSIGHT_INGEST_TOKEN", t));
        this.idempotent = new IdempotentUploads(settings.idempotencyWindow(), settings.idempotencyMaxKeys(), System::nanoTime);
        this.server = new HttpFront("ingest", settings.http(), () -> new HttpFront.Status(true, "{\"status\":\"UP\"}"),
                () -> {
                    boolean up = ready.getAsBoolean();
                    return new HttpFront.Status(up, "{\"status\":\"" + (up ? "READY" : "NOT_READY") + "\",\"broker\":" + up + "}");
                }, metrics::scrape);
        this.coilEnds = new CoilEnds(publisher, settings.coilEndsTopic(), this::authorize);
        this.uploads = new UploadParser(settings.maxImageBytes(), settings.defaultCameraId(), settings.maxClockSkew());
        server.route("/", this::route);
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.port();
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Matcher upload = UPLOAD.matcher(path);
            Matcher end = COIL_END.matcher(path);
            if (upload.matches() || end.matches()) {
                if (!method.equals("POST")) {
                    error(exchange, new IngestRejection(405, "method_not_allowed", method + " is not allowed on " + path + "; use POST"));
                } else if (upload.matches()) {
                    upload(exchange, upload.group(1));
                } else {
                    endCoil(exchange, end.group(1));
                }
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                error(exchange, new IngestRejection(405, "method_not_allowed", method + " is not allowed on " + path));
                return;
            }
            if (path.equals("/openapi.json")) {
                send(exchange, 200, "application/json", openApi);
            } else {
                error(exchange, new IngestRejection(404, "not_found", "no such resource: " + path));
            }
        } catch (RuntimeException e) {
            // Answered here, before the exchange closes: Jetty completes an unanswered exchange as an empty 200.
            log.error("unexpected failure on {} {}: {}", exchange.getRequestMethod(), Env.logSafe(exchange.getRequestURI().getPath()), e.toString(), e);
            if (exchange.getResponseCode() <= 0) {
                error(exchange, new IngestRejection(500, "internal_error", "unexpected failure: " + e.getClass().getSimpleName()));
            }
        }
    }

    private void upload(HttpExchange exchange, String coilId) throws IOException {
        try {
            authorize(exchange);
            UploadParser.Upload upload = uploads.parse(exchange, coilId);
            byte[] image = upload.image();
            ImageMetadata metadata = upload.metadata();
            String key = upload.idempotencyKey().orElse(null);
            long started = System.nanoTime();
            ImageCaptured event;
            RecordMetadata ack;
            boolean replayed = false;
            if (key == null) {
                event = events.build(UUID.randomUUID().toString(), metadata, image);
                ack = publisher.publish(event, SOURCE);
            } else {
                // Built (and so checked) before the key is claimed: a refused image must not hold its key.
                String sha256 = ImageIds.sha256(image);
                String validKey = IdempotentUploads.validKey(key.trim());
                event = events.build(ImageIds.derived(metadata.coilId(), validKey, sha256), metadata, image);
                IdempotentUploads.Claim claim = idempotent.claim(metadata.coilId(), validKey, sha256);
                if (claim.first()) {
                    CompletableFuture<RecordMetadata> acked = claim.upload().ack();
                    publisher.send(event, SOURCE).whenComplete((sent, failure) -> {
                        if (failure != null) {
                            acked.completeExceptionally(failure);
                        } else {
                            acked.complete(sent);
                        }
                    });
                }
                replayed = !claim.first();
                ack = publisher.await(claim.upload().ack());
            }
            if (replayed) {
                exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
            } else {
                metrics.accepted(SOURCE, image.length, (System.nanoTime() - started) / 1e9);
            }
            ObjectNode response = JSON.createObjectNode()
                    .put("imageId", event.getImageId())
                    .put("coilId", event.getCoilId())
                    .put("topic", ack.topic())
                    .put("partition", ack.partition())
                    .put("offset", ack.offset())
                    .put("width", event.getWidth())
                    .put("height", event.getHeight())
                    .put("encoding", event.getEncoding().name());
            exchange.getResponseHeaders().set("Location", "/v1/coils/" + event.getCoilId() + "/images/" + event.getImageId());
            send(exchange, 202, "application/json", response.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IngestRejection e) {
            metrics.rejected(SOURCE, e.reason());
            long leftOut = refusals.admit(e.status() + " " + e.reason());
            if (leftOut >= 0 && e.status() >= 500) {
                log.warn("upload to coil {} not accepted: {}{}{}", Env.logSafe(coilId), Env.logSafe(e.getMessage()),
                        e.getCause() == null ? "" : " (" + Env.logSafe(e.getCause().toString()) + ")", refusals.suffix(leftOut));
            } else if (leftOut >= 0) {
                log.info("upload to coil {} refused ({}): {}{}", Env.logSafe(coilId), e.status(), Env.logSafe(e.getMessage()),
                        refusals.suffix(leftOut));
            }
            if (e.status() == 408) {
                exchange.getResponseHeaders().set("Connection", "close"); // too slow: nothing more is read
            } else if (e.status() == 401) {
                Answers.closeAfterRefusal(exchange);
            } else {
                Answers.discardBody(exchange);
            }
            if (e.status() == 503) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter(e));
            }
            error(exchange, e);
        }
    }

    /**
     * Seconds a client should wait before sending again: a broker or registry away for a while is not back in a second, and
     * each retry meanwhile holds a request slot for up to the produce timeout.
     */
    static String retryAfter(IngestRejection e) {
        return "busy".equals(e.reason()) ? "1" : "5";
    }

    private void endCoil(HttpExchange exchange, String coilId) throws IOException {
        try {
            coilEnds.end(exchange, coilId);
        } catch (IngestRejection e) {
            long leftOut = refusals.admit("end " + e.status() + " " + e.reason());
            if (leftOut >= 0) {
                log.info("end of coil {} refused ({}): {}{}", Env.logSafe(coilId), e.status(), Env.logSafe(e.getMessage()), refusals.suffix(leftOut));
            }
            if (e.status() == 401) {
                Answers.closeAfterRefusal(exchange);
            } else if (e.status() == 503) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter(e));
            }
            error(exchange, e);
        }
    }

    private void authorize(HttpExchange exchange) {
        if (tokens.isEmpty()) {
            return; // auth explicitly disabled for local use
        }
        Optional<String> given = BearerTokens.fromHeader(exchange);
        if (given.isEmpty()) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"coilsight\"");
            throw new IngestRejection(401, "unauthorized", "missing bearer token: send 'Authorization: Bearer <token>'");
        }
        if (!tokens.get().accepts(given.get())) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"coilsight\", error=\"invalid_token\"");
            throw new IngestRejection(401, "unauthorized", "wrong bearer token");
        }
    }

    private static void error(HttpExchange exchange, IngestRejection e) throws IOException {
        ErrorBody.send(exchange, e.status(), e.reason(), e.getMessage());
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        Answers.send(exchange, status, contentType, body);
    }

    @Override
    public void close() {
        server.close();
    }

}
