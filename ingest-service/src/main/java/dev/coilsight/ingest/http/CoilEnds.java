package dev.coilsight.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.Answers;
import dev.coilsight.serviceruntime.http.RequestHeaders;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.publish.IngestRejection;
import dev.coilsight.schemas.CoilEnded;

/**
 * {@code POST /v1/coils/{coilId}/end}: the line says a coil is finished, so coil-analytics grades it once its last
 * results are in. The body is empty or a small JSON object ({@code lineId}, {@code lengthMm}); the answer is 202 once
 * the broker acknowledged the {@link CoilEnded} record. Ending a coil twice is harmless: the first end counts.
 */
final class CoilEnds {

    private static final Logger log = LoggerFactory.getLogger(CoilEnds.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 4096;

    private final ImagePublisher publisher;
    private final String topic;
    private final Consumer<HttpExchange> authorize;

    /** @param authorize throws {@link IngestRejection} 401 unless the request carries an accepted token */
    CoilEnds(ImagePublisher publisher, String topic, Consumer<HttpExchange> authorize) {
        this.publisher = publisher;
        this.topic = topic;
        this.authorize = authorize;
    }

    /** @param coilId the coil as the request path names it, already percent-decoded by the HTTP front */
    void end(HttpExchange exchange, String coilId) throws IOException {
        authorize.accept(exchange);
        ImageMetadata.requireId("coilId", coilId);
        JsonNode body = body(exchange);
        String lineId = text(body, "lineId", RequestHeaders.value(exchange, "X-Line-Id"));
        if (lineId != null) {
            ImageMetadata.requireId("lineId", lineId);
        }
        Double lengthMm = null;
        if (body.hasNonNull("lengthMm")) {
            JsonNode length = body.get("lengthMm");
            if (!length.isNumber() || !(length.asDouble() >= 0) || Double.isInfinite(length.asDouble())) {
                throw IngestRejection.badRequest("invalid_field", "lengthMm must be a number >= 0, got " + length);
            }
            lengthMm = length.asDouble();
        }
        String source = "http " + exchange.getRemoteAddress().getAddress().getHostAddress();
        RecordMetadata ack = publisher.publishCoilEnd(topic, new CoilEnded(coilId, lineId, Instant.now(), lengthMm, source));
        log.info("coil {} ended by {}", Env.logSafe(coilId), source);
        String answer = JSON.createObjectNode().put("coilId", coilId).put("topic", ack.topic()).put("partition", ack.partition())
                .put("offset", ack.offset()).toString();
        Answers.send(exchange, 202, "application/json", answer.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IngestRejection(413, "too_large", "a coil end's body is at most " + MAX_BODY_BYTES + " bytes of JSON");
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (!node.isObject()) {
                throw IngestRejection.badRequest("invalid_body", "the body must be a JSON object such as {\"lineId\": \"L1\"}");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw IngestRejection.badRequest("invalid_body", "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field, String fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback == null || fallback.isBlank() ? null : fallback.trim();
        }
        if (!value.isTextual()) {
            throw IngestRejection.badRequest("invalid_field", field + " must be a string, got " + value);
        }
        return value.asText();
    }
}
