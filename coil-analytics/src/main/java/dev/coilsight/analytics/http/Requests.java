package dev.coilsight.analytics.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/** Reading the API's requests: path segments, query parameters with their bounds, and the failure a bad one gets. */
final class Requests {

    private Requests() {
    }

    /** A request that cannot be answered, with its status. */
    static final class Failure extends RuntimeException {
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * What a request that no route takes gets: 405 with {@code Allow} for a method other than GET or HEAD (the only ones
     * any route reads with), told {@code notAllowed}; otherwise 404 naming the path.
     */
    static Failure nothingAt(HttpExchange exchange, String notAllowed) {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().add("Allow", "GET, HEAD");
            return new Failure(405, notAllowed);
        }
        return new Failure(404, "no such resource: " + exchange.getRequestURI().getPath());
    }

    static int intParam(Map<String, String> query, String name, int defaultValue, int min, int max) {
        String raw = query.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new Failure(400, name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Failure(400, name + " must be a whole number, got '" + raw + "'");
        }
    }

    static double doubleParam(Map<String, String> query, String name, double defaultValue) {
        String raw = query.get(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(raw);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Failure(400, name + " must be a number, got '" + raw + "'");
        }
    }

    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(name, value);
        }
        return out;
    }

    /** Where a coil's routes start. */
    static String coilPath(String coilId) {
        return "/v1/coils/" + encode(coilId);
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
