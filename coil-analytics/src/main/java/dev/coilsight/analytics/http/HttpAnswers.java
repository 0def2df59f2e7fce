package dev.coilsight.analytics.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/** Writing answers: JSON bodies, JSON errors ({@code {"error": ..., "status": ...}}) and raw bytes. */
final class HttpAnswers {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpAnswers() {
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        bytes(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static void error(HttpExchange exchange, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        json(exchange, status, body);
    }

    static void bytes(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }
}
