package dev.coilsight.analytics.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The live dashboard's static files, served from the jar ({@code dashboard/} on the class path):
 * {@code /} is the page, {@code /dashboard/<name>} its scripts and styles. No build step and nothing
 * fetched from the internet: the page is plain HTML, CSS and JavaScript.
 */
public final class DashboardAssets implements HttpHandler {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            HttpAnswers.error(exchange, 405, "method not allowed; use GET");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String name = path.equals("/") || path.equals("/index.html") ? "index.html"
                : path.startsWith("/dashboard/") ? path.substring("/dashboard/".length()) : null;
        if (name == null || !NAME.matcher(name).matches()) {
            HttpAnswers.error(exchange, 404, "no such resource: " + path);
            return;
        }
        try (InputStream in = DashboardAssets.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                HttpAnswers.error(exchange, 404, "no such resource: " + path);
                return;
            }
            HttpAnswers.bytes(exchange, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
        }
    }
}
