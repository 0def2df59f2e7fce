package dev.coilsight.analytics.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.analytics.http.Requests.Failure;

/**
 * The live dashboard's static files, served from the jar ({@code dashboard/} on the class path):
 * {@code /} is the page, {@code /dashboard/<name>} its scripts and styles. No build step and nothing
 * fetched from the internet: the page is plain HTML, CSS and JavaScript.
 */
final class DashboardAssets {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    int page(HttpExchange exchange, Route.Params params) throws IOException {
        return send(exchange, "index.html");
    }

    int file(HttpExchange exchange, Route.Params params) throws IOException {
        return send(exchange, params.path("file"));
    }

    /** Anything else outside the API: 405 for a method other than GET, else 404. */
    static int noSuchFile(HttpExchange exchange, Route.Params params) {
        throw Requests.nothingAt(exchange, "method not allowed; use GET");
    }

    private static int send(HttpExchange exchange, String name) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw notFound(exchange);
        }
        try (InputStream in = DashboardAssets.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw notFound(exchange);
            }
            HttpAnswers.bytes(exchange, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
            return 200;
        }
    }

    private static Failure notFound(HttpExchange exchange) {
        return new Failure(404, "no such resource: " + exchange.getRequestURI().getPath());
    }
}
