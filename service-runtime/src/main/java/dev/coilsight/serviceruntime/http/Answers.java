package dev.coilsight.serviceruntime.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import com.sun.net.httpserver.HttpExchange;

/** Writing an answer: status, content type, no caching, and the body (none for HEAD); what is left of a refused request's body. */
public final class Answers {

    /** The most of a refused request's body that is read and dropped so that its client sees the answer (as Tomcat's swallow). */
    public static final long DISCARD_LIMIT = 2 * 1024 * 1024;
    /** How long a client refused for good (no or a wrong token) may go on sending before its connection closes. */
    public static final Duration REFUSED_DRAIN = Duration.ofSeconds(1);

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
     * a larger one, or one that stalls, ends the connection with {@code Connection: close} in the answer. An answer that
     * already closes its connection reads nothing more: a client refused for good (no token) must not hold a request
     * slot for the body's whole deadline by trickling it.
     */
    public static void endRequestBody(HttpExchange exchange) {
        if ("close".equalsIgnoreCase(exchange.getResponseHeaders().getFirst("Connection"))) {
            return;
        }
        if (exchange.getRequestBody() instanceof DeadlineInputStream body && !body.drain()) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
    }

    /**
     * Reads and drops what is left of a refused request's body, up to {@link #DISCARD_LIMIT}, within the body's own
     * deadline (COILSIGHT_HTTP_REQUEST_TIMEOUT_MS): a connection closed with unread bytes is reset, and the client, still
     * sending, would see "connection reset" instead of the answer. A body announced as larger is not read; that
     * connection closes.
     */
    public static void discardBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            if (length != null && Long.parseLong(length.trim()) > DISCARD_LIMIT) {
                return;
            }
            InputStream in = exchange.getRequestBody();
            byte[] scratch = new byte[64 * 1024];
            long left = DISCARD_LIMIT;
            for (int n; left > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException | NumberFormatException e) {
            // the client went away, or sent a Content-Length that is no number: nothing more to save
        }
    }

    /**
     * For a client refused for good (no or a wrong token): what it is sending is read for {@link #REFUSED_DRAIN} at most,
     * and only while it keeps arriving (Jetty's non-blocking read: a client that announces a body and sends nothing would
     * otherwise hold the request slot until the idle timeout); then the answer closes the connection.
     */
    public static void closeAfterRefusal(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Connection", "close");
        if (!(exchange.getAttribute(RequestHeaders.REQUEST) instanceof Request request)) {
            return; // not from the front (a test's exchange): nothing waits on the connection
        }
        long read = 0;
        long now = System.nanoTime();
        long until = now + REFUSED_DRAIN.toNanos();
        long quietUntil = now + QUIET.toNanos();
        try {
            while (read < DISCARD_LIMIT && now - until < 0 && now - quietUntil < 0) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    Thread.sleep(5);
                } else {
                    read += chunk.remaining();
                    boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk);
                    chunk.release();
                    if (end) {
                        return;
                    }
                    quietUntil = System.nanoTime() + QUIET.toNanos();
                }
                now = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the client went away: nothing more to save
        }
    }

    /** How long a refused client's body may pause before what is left of it is no longer read. */
    private static final Duration QUIET = Duration.ofMillis(100);
}
