package dev.coilsight.analytics.http;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.serviceruntime.http.Answers;
import dev.coilsight.serviceruntime.http.ErrorBody;

/** Writing answers: JSON bodies, the one JSON error body and raw bytes. */
final class HttpAnswers {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpAnswers() {
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        bytes(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    /** The services' one error body ({@link ErrorBody}), with a reason word for the status. */
    static void error(HttpExchange exchange, int status, String message) throws IOException {
        ErrorBody.send(exchange, status, switch (status) {
            case 502 -> "instance_unreachable";
            case 503 -> "not_queryable";
            default -> ErrorBody.reason(status);
        }, message);
    }


    static void bytes(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        Answers.send(exchange, status, contentType, body);
    }
}
