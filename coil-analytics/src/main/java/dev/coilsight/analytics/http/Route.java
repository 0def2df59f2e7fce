package dev.coilsight.analytics.http;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;

/**
 * One line of the route table ({@link AnalyticsRoutes}): the method and path pattern it takes, who may call it, the
 * route label it is counted under in {@code coilsight_analytics_http_requests_total} (none: not counted), and what
 * answers it. A pattern's segments are literal, {@code {name}} (any one segment, read as {@link Params#path}) or a
 * final {@code **} (whatever follows, nothing included).
 */
record Route(String method, List<String> pattern, Caller caller, String metric, Handler handler) {

    /** Any method: the routes that tell a caller that nothing else takes the request. */
    static final String ANY = "*";

    /** Who may call a route (with auth disabled, anyone may). */
    enum Caller {
        /** A viewer's token, a reviewer's (a reviewer sees what they review) or another instance's (a forwarded read). */
        VIEWER,
        /** A reviewer's token, whose name the review records. */
        REVIEWER,
        /** Another instance of coil-analytics: the internal token. */
        INSTANCE
    }

    /** Answers a request the route took; returns the status sent. */
    interface Handler {
        int answer(HttpExchange exchange, Params params) throws IOException;
    }

    /** The request's path segments named by the pattern, and its query parameters. */
    record Params(Map<String, String> pathValues, Map<String, String> query) {
        String path(String name) {
            return pathValues.get(name);
        }
    }

    /** GET, and HEAD with it. */
    static Route get(String pattern, Caller caller, String metric, Handler handler) {
        return new Route("GET", Requests.segments(pattern), caller, metric, handler);
    }

    static Route post(String pattern, Caller caller, String metric, Handler handler) {
        return new Route("POST", Requests.segments(pattern), caller, metric, handler);
    }

    static Route any(String pattern, Caller caller, String metric, Handler handler) {
        return new Route(ANY, Requests.segments(pattern), caller, metric, handler);
    }

    /** The named segments of {@code path} when this route takes the request; empty when it does not. */
    Optional<Map<String, String>> match(String requestMethod, List<String> path) {
        boolean methodTaken = method.equals(ANY) || method.equals(requestMethod) || method.equals("GET") && requestMethod.equals("HEAD");
        if (!methodTaken) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String expected = pattern.get(i);
            if (expected.equals("**")) {
                return Optional.of(values);
            }
            if (i >= path.size()) {
                return Optional.empty();
            }
            if (expected.startsWith("{") && expected.endsWith("}")) {
                values.put(expected.substring(1, expected.length() - 1), path.get(i));
            } else if (!expected.equals(path.get(i))) {
                return Optional.empty();
            }
        }
        return path.size() == pattern.size() ? Optional.of(values) : Optional.empty();
    }
}
