package dev.coilsight.serviceruntime.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * The one error answer of every service: {@code {"status": 413, "error": "Payload Too Large", "reason": "too_large",
 * "message": "..."}}, where {@code reason} is a stable machine-readable word and {@code message} says what is wrong.
 */
public final class ErrorBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorBody() {
    }

    public static byte[] json(int status, String reason, String message) {
        ObjectNode body = JSON.createObjectNode()
                .put("status", status)
                .put("error", phrase(status))
                .put("reason", reason)
                .put("message", message);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Answers the exchange with the error body (nothing for HEAD). */
    public static void send(HttpExchange exchange, int status, String reason, String message) throws IOException {
        Answers.send(exchange, status, "application/json", json(status, reason, message));
    }

    /** A reason word for a status, where nothing more specific is known. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    static String phrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }
}
