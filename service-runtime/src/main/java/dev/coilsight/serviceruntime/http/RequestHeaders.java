package dev.coilsight.serviceruntime.http;

import java.util.List;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import com.sun.net.httpserver.HttpExchange;

/**
 * A request header's value as the client sent it. Jetty's {@code com.sun.net.httpserver} bridge splits every header
 * but a few (Authorization, Content-Length, Host, ...) at its commas and {@code getFirst} returns the first piece, so
 * {@code Idempotency-Key: cam-7,frame-1001} would read as {@code cam-7} (and the next frame's key as the same), a
 * camera id {@code cam,top} as {@code cam}, a position {@code 12,5} as 12. The front keeps Jetty's own fields on each
 * request ({@link Keeper}), and {@link #value} reads them whole.
 */
public final class RequestHeaders {

    static final String ATTRIBUTE = RequestHeaders.class.getName();
    /** Jetty's own request, whose body can be read without waiting ({@link Answers#closeAfterRefusal}). */
    static final String REQUEST = RequestHeaders.class.getName() + ".request";

    private RequestHeaders() {
    }

    /**
     * The header's value, null when absent; a header sent on several lines is one value, its lines joined by ", "
     * (as HTTP reads them). Outside the front (an exchange Jetty did not make), what the exchange gives, joined alike.
     */
    public static String value(HttpExchange exchange, String name) {
        List<String> values = exchange.getAttribute(ATTRIBUTE) instanceof HttpFields fields ? fields.getValuesList(name)
                : exchange.getRequestHeaders().get(name);
        return values == null || values.isEmpty() ? null : String.join(", ", values);
    }

    /** Keeps each request's header fields where {@link #value} finds them, before the handlers run. */
    static final class Keeper extends Handler.Wrapper {

        Keeper(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            request.setAttribute(ATTRIBUTE, request.getHeaders());
            request.setAttribute(REQUEST, request);
            return super.handle(request, response, callback);
        }
    }
}
