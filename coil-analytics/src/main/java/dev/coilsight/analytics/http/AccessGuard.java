package dev.coilsight.analytics.http;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.coilsight.analytics.review.ReviewerTokens;
import dev.coilsight.serviceruntime.http.Answers;
import dev.coilsight.serviceruntime.http.BearerTokens;
import dev.coilsight.serviceruntime.http.ErrorBody;

/**
 * Who may read and review: the API and the dashboard need a viewer (or reviewer) token ({@code Authorization: Bearer}, or the dashboard's
 * cookie, set by opening {@code /?token=<token>} once); {@code /internal/...}, which other instances call, needs the
 * internal token (which also opens what viewers may read: an instance forwards a viewer's request to the instance
 * holding the coil). Without tokens (auth disabled, for local use) everything is open.
 */
public final class AccessGuard {

    /** The reviewer every review records while auth is disabled (local use). */
    public static final String LOCAL_REVIEWER = "local";

    private final Optional<BearerTokens> viewers;
    private final Optional<BearerTokens> internal;
    private final Optional<ReviewerTokens> reviewers;

    private AccessGuard(Optional<BearerTokens> viewers, Optional<BearerTokens> internal, Optional<ReviewerTokens> reviewers) {
        this.viewers = viewers;
        this.internal = internal;
        this.reviewers = reviewers;
    }

    public static AccessGuard open() {
        return new AccessGuard(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** @param reviewers who may review (none: nobody may) */
    public static AccessGuard of(BearerTokens viewers, BearerTokens internal, Optional<ReviewerTokens> reviewers) {
        return new AccessGuard(Optional.of(viewers), Optional.of(internal), reviewers);
    }

    /** Whether a token opens what viewers see: a viewer's, a reviewer's (a reviewer sees what they review) or an instance's. */
    private boolean canView(String token) {
        return viewers.get().accepts(token) || internal.get().accepts(token) || reviewers.flatMap(r -> r.reviewer(token)).isPresent();
    }

    /** {@code next} behind the check of the route's callers. */
    HttpHandler admit(Route.Caller caller, HttpHandler next) {
        return switch (caller) {
            case VIEWER -> viewer(next);
            case REVIEWER -> reviewer(next);
            case INSTANCE -> internal(next);
        };
    }

    /** How long a sign-in through {@code ?token=} lasts: a 12-hour shift. */
    static final long SIGN_IN_SECONDS = 12 * 3600;

    /** Whether the browser reached the service over TLS, itself or through a proxy that says so. */
    private static boolean overHttps(HttpExchange exchange) {
        String forwarded = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto");
        return exchange instanceof com.sun.net.httpserver.HttpsExchange || "https".equalsIgnoreCase(forwarded == null ? null : forwarded.trim());
    }

    /** For people and their programs: a viewer token in the header or the cookie; {@code ?token=} sets the cookie. */
    private HttpHandler viewer(HttpHandler next) {
        if (viewers.isEmpty()) {
            return next;
        }
        return exchange -> {
            Optional<String> inQuery = queryToken(exchange);
            if (inQuery.isPresent() && canView(inQuery.get())) {
                // Into an HttpOnly cookie and out of the address bar and the browser's history (a proxy's access log still has it).
                // Lax, not Strict: a sign-in link opened from another site (a wiki, a chat) must carry the cookie on its redirect.
                // A shift long (a browser restarted at the screen in the control room keeps it), and Secure behind a proxy that
                // terminates TLS, so that the token never goes back in clear.
                exchange.getResponseHeaders().add("Set-Cookie", BearerTokens.COOKIE + "=" + inQuery.get()
                        + "; Path=/; Max-Age=" + SIGN_IN_SECONDS + "; HttpOnly; SameSite=Lax" + (overHttps(exchange) ? "; Secure" : ""));
                exchange.getResponseHeaders().set("Location", withoutToken(exchange.getRequestURI()));
                Answers.endRequestBody(exchange);
                exchange.sendResponseHeaders(303, -1);
                return;
            }
            Optional<String> given = BearerTokens.fromHeader(exchange).or(() -> BearerTokens.fromCookie(exchange));
            // The internal token too: another instance forwards a viewer's request for a coil this one holds.
            if (given.isPresent() && canView(given.get())) {
                next.handle(exchange);
                return;
            }
            refuse(exchange, given.isPresent(), "send 'Authorization: Bearer <viewer token>', or open the dashboard once as /?token=<viewer token>");
        };
    }

    /**
     * For reviews: a reviewer token (header or the dashboard's cookie), whose name the review records; with auth
     * disabled every review is the {@value #LOCAL_REVIEWER} reviewer's.
     */
    private HttpHandler reviewer(HttpHandler next) {
        if (viewers.isEmpty()) {
            return exchange -> {
                exchange.setAttribute(ReviewApi.REVIEWER_ATTRIBUTE, LOCAL_REVIEWER);
                next.handle(exchange);
            };
        }
        return exchange -> {
            Optional<String> given = BearerTokens.fromHeader(exchange).or(() -> BearerTokens.fromCookie(exchange));
            Optional<String> reviewer = given.flatMap(token -> reviewers.flatMap(r -> r.reviewer(token)));
            if (reviewer.isPresent()) {
                exchange.setAttribute(ReviewApi.REVIEWER_ATTRIBUTE, reviewer.get());
                next.handle(exchange);
            } else if (given.isPresent() && canView(given.get())) {
                ErrorBody.send(exchange, 403, "forbidden", "this token may view, not review: reviews need a reviewer token ("
                        + ReviewerTokens.VARIABLE + ")");
            } else {
                refuse(exchange, given.isPresent(), "reviews need 'Authorization: Bearer <reviewer token>', or the dashboard opened once as /?token=<reviewer token>");
            }
        };
    }

    /** For the other instances of coil-analytics: the internal token in the header only. */
    private HttpHandler internal(HttpHandler next) {
        if (internal.isEmpty()) {
            return next;
        }
        BearerTokens tokens = internal.get();
        return exchange -> {
            Optional<String> given = BearerTokens.fromHeader(exchange);
            if (given.isPresent() && tokens.accepts(given.get())) {
                next.handle(exchange);
                return;
            }
            refuse(exchange, given.isPresent(), "instance-to-instance calls need 'Authorization: Bearer <COILSIGHT_ANALYTICS_INTERNAL_TOKEN>'");
        };
    }

    private static void refuse(HttpExchange exchange, boolean wrong, String how) throws IOException {
        Answers.closeAfterRefusal(exchange);
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"coilsight\"" + (wrong ? ", error=\"invalid_token\"" : ""));
        ErrorBody.send(exchange, 401, "unauthorized", (wrong ? "wrong token: " : "missing token: ") + how);
    }

    /**
     * Where a sign-in link leads once its token is in the cookie: the page it named, with its other parameters (a shared
     * link to a coil's report opens that report). Only ever a path on this server: {@code //host} would leave it.
     */
    static String withoutToken(java.net.URI target) {
        String path = target.getRawPath();
        if (path == null || !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) {
            path = "/";
        }
        String query = target.getRawQuery() == null ? "" : java.util.Arrays.stream(target.getRawQuery().split("&"))
                .filter(pair -> !pair.isEmpty() && !pair.equals("token") && !pair.startsWith("token="))
                .collect(java.util.stream.Collectors.joining("&"));
        return query.isEmpty() ? path : path + "?" + query;
    }

    private static Optional<String> queryToken(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || !exchange.getRequestMethod().equals("GET")) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return Optional.of(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
