package dev.coilsight.serviceruntime.http;

import java.io.IOException;
import java.io.OutputStream;

import com.sun.net.httpserver.HttpExchange;

/** Writing an answer: status, content type, no caching, and the body (none for HEAD). */
public final class Answers {

    private Answers() {
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        endRequestBody(exchange);
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

    /**
     * Call before answering a request whose body may be unread (a refusal, a redirect). Jetty drops a kept-alive
     * connection after an answer given while part of the body had not yet arrived, without saying so, and the
     * client then finds the connection dead on its next request. So what is left of a small body is read here;
     * a larger one, or one that stalls, ends the connection with {@code Connection: close} in the answer.
     */
    public static void endRequestBody(HttpExchange exchange) {
        if (exchange.getRequestBody() instanceof DeadlineInputStream body && !body.drain()) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
    }
}
