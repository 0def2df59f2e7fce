package dev.coilsight.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.serviceruntime.http.BodyTimeoutException;
import dev.coilsight.serviceruntime.http.RequestHeaders;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.IngestRejection;

/**
 * Reads an upload request into an {@link Upload}: the body (within the size limit, in time), the image from a raw body
 * or a multipart form, and the metadata from headers or form fields. Everything wrong with the request is an
 * {@link IngestRejection} naming the problem; nothing is published here.
 */
final class UploadParser {


    /** Room for a multipart form's boundaries and fields around the image. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    /** One upload as read: the image's bytes, what it says about itself, and the client's idempotency key, if any. */
    record Upload(byte[] image, ImageMetadata metadata, Optional<String> idempotencyKey) {
    }

    private final long maxImageBytes;
    private final String defaultCameraId;
    private final Duration maxClockSkew;

    UploadParser(long maxImageBytes, String defaultCameraId, Duration maxClockSkew) {
        this.maxImageBytes = maxImageBytes;
        this.defaultCameraId = defaultCameraId;
        this.maxClockSkew = maxClockSkew;
    }

    /** {@code coilId} as it stands in the path (percent-encoded). */
    Upload parse(HttpExchange exchange, String coilId) throws IOException {
        byte[] body = readBody(exchange);
        String contentType = Optional.ofNullable(RequestHeaders.value(exchange, "Content-Type")).orElse("")
                .toLowerCase(Locale.ROOT);
        Map<String, String> fields = new HashMap<>();
        byte[] image;
        if (contentType.startsWith("multipart/form-data")) {
            image = null;
            for (Multipart.Part part : Multipart.parse(RequestHeaders.value(exchange, "Content-Type"), body)) {
                if (part.name().equals("image") || (part.fileName() != null && image == null)) {
                    requireImageType(part.contentType() == null ? "application/octet-stream" : part.contentType(), true);
                    image = part.body();
                } else {
                    fields.put(part.name(), part.text());
                }
            }
            if (image == null) {
                throw IngestRejection.badRequest("missing_image", "multipart body has no 'image' part");
            }
        } else {
            requireImageType(contentType, false);
            image = body;
        }
        if (image.length == 0) {
            throw IngestRejection.badRequest("not_an_image", "empty image: the body has no bytes");
        }
        if (image.length > maxImageBytes) {
            throw new IngestRejection(413, "too_large", "image of " + image.length + " bytes is over the limit of "
                    + maxImageBytes + " bytes");
        }
        return new Upload(image, metadata(coilId, exchange, fields), Optional.ofNullable(RequestHeaders.value(exchange, "Idempotency-Key")));
    }

    /** Reads the body, refusing by Content-Length before reading when it is over the limit. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        long limit = maxImageBytes + MULTIPART_OVERHEAD;
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw IngestRejection.badRequest("invalid_field", "Content-Length is not a number: " + length);
            }
            if (declared > limit) {
                throw new IngestRejection(413, "too_large", "body of " + declared + " bytes is over the limit of "
                        + maxImageBytes + " bytes per image");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            return readBody(in, declared, limit);
        } catch (BodyTimeoutException e) {
            throw new IngestRejection(408, "request_timeout", e.getMessage());
        }
    }

    private byte[] readBody(InputStream in, long declared, long limit) throws IOException {
        if (declared >= 0) {
            // Known length: read straight into an array of that size (the server ends the stream there).
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            if (read < body.length) {
                throw IngestRejection.badRequest("invalid_field", "the body ended after " + read + " of the "
                        + declared + " bytes its Content-Length announced");
            }
            return body;
        }
        byte[] body = in.readNBytes((int) limit + 1);
        if (body.length > limit) {
            throw new IngestRejection(413, "too_large", "body is over the limit of " + maxImageBytes + " bytes per image");
        }
        return body;
    }

    private static void requireImageType(String contentType, boolean inMultipart) {
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        boolean ok = type.equals("image/jpeg") || type.equals("image/png") || type.equals("image/jpg")
                || (inMultipart && type.equals("application/octet-stream"));
        if (!ok) {
            throw new IngestRejection(415, "unsupported_type", "unsupported content type '" + (type.isEmpty() ? "(none)" : type)
                    + "': send image/jpeg or image/png as the body, or multipart/form-data with an 'image' part");
        }
    }

    private ImageMetadata metadata(String coilId, HttpExchange exchange, Map<String, String> fields) {
        String camera = value(exchange, fields, "X-Camera-Id", "cameraId").orElse(defaultCameraId);
        Instant capturedAt = value(exchange, fields, "X-Captured-At", "capturedAt").map(UploadParser::instant).orElse(Instant.now());
        if (capturedAt.isAfter(Instant.now().plus(maxClockSkew))) {
            // A camera clock gone wrong: taken as it is, it would move event time ahead for everything after it.
            throw IngestRejection.badRequest("invalid_field", "capturedAt " + capturedAt + " is more than " + maxClockSkew.toMillis()
                    + " ms in the future (COILSIGHT_MAX_CLOCK_SKEW_MS); check the camera's clock");
        }
        if (capturedAt.isBefore(ImageMetadata.EARLIEST_CAPTURE)) {
            // A clock reset to zero (or a value in the wrong unit): its image would count in no window of its coil.
            throw IngestRejection.badRequest("invalid_field", "capturedAt " + capturedAt + " is before " + ImageMetadata.EARLIEST_CAPTURE
                    + "; check the camera's clock");
        }
        long sequence = value(exchange, fields, "X-Sequence", "sequence").map(v -> number("sequence", v))
                .orElse(capturedAt.toEpochMilli());
        Double position = value(exchange, fields, "X-Position-Mm", "positionMm").map(v -> decimal("positionMm", v)).orElse(null);
        String line = value(exchange, fields, "X-Line-Id", "lineId").orElse(null);
        boolean coilEnd = value(exchange, fields, "X-Coil-End", "coilEnd").map(UploadParser::flag).orElse(false);
        return new ImageMetadata(coilId, camera, sequence, capturedAt, position, line, coilEnd);
    }

    private static Optional<String> value(HttpExchange exchange, Map<String, String> fields, String header, String field) {
        String fromHeader = RequestHeaders.value(exchange, header);
        if (fromHeader != null && !fromHeader.isBlank()) {
            return Optional.of(fromHeader.trim());
        }
        return Optional.ofNullable(fields.get(field)).filter(v -> !v.isBlank());
    }

    private static Instant instant(String value) {
        try {
            Instant parsed = value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
            parsed.toEpochMilli(); // the records carry milliseconds: a year like -300000000 has none to give
            return parsed;
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw IngestRejection.badRequest("invalid_field", "capturedAt must be ISO-8601 (2026-11-24T08:00:00Z) or epoch "
                    + "milliseconds, got '" + value + "'");
        }
    }

    private static boolean flag(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw IngestRejection.badRequest("invalid_field", "coilEnd must be true or false, got '" + Env.logSafe(value) + "'");
    }

    private static long number(String field, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw IngestRejection.badRequest("invalid_field", field + " must be a whole number, got '" + value + "'");
        }
    }

    private static double decimal(String field, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw IngestRejection.badRequest("invalid_field", field + " must be a number, got '" + value + "'");
        }
    }
}
