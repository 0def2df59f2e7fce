package dev.coilsight.analytics.http;

import static dev.coilsight.analytics.http.Route.Caller.INSTANCE;
import static dev.coilsight.analytics.http.Route.Caller.REVIEWER;
import static dev.coilsight.analytics.http.Route.Caller.VIEWER;
import static dev.coilsight.analytics.http.Route.any;
import static dev.coilsight.analytics.http.Route.get;
import static dev.coilsight.analytics.http.Route.post;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.coilsight.analytics.http.Requests.Failure;
import dev.coilsight.analytics.query.QueryRouter;
import dev.coilsight.analytics.review.ReviewDesk;
import dev.coilsight.serviceruntime.http.BodyTimeoutException;

/**
 * Every request coil-analytics answers besides the probes, in one table read top to bottom: the first route that
 * takes a request decides who may send it ({@link AccessGuard}) and what answers it. The last routes of each area
 * take what no route above them does, so that only the area's callers learn that it does not exist. Errors are
 * answered here, alike for every route: the services' JSON error body, 503 with {@code Retry-After} while a rebalance moves
 * state, 502 when another instance does not answer.
 */
public final class AnalyticsRoutes implements HttpHandler {

    /** The server paths the table answers below: the API, the instances' API and the dashboard. */
    public static final List<String> CONTEXTS = List.of("/v1/", "/internal/", "/");

    private static final Logger log = LoggerFactory.getLogger(AnalyticsRoutes.class);
    private static final String COIL = "/v1/coils/{coilId}";

    private final List<Route> routes;
    private final AccessGuard access;
    private final BiConsumer<String, Integer> requestCounter;

    public AnalyticsRoutes(AnalyticsApi api, ReviewApi reviews, AccessGuard access, BiConsumer<String, Integer> requestCounter) {
        this.routes = table(api, reviews, new DashboardAssets());
        this.access = access;
        this.requestCounter = requestCounter;
    }

    private static List<Route> table(AnalyticsApi api, ReviewApi reviews, DashboardAssets dashboard) {
        return List.of(
                get("/v1/coils", VIEWER, "coils", api::coilList),
                get("/internal/v1/coils", INSTANCE, "internal-coils", api::localCoilList),
                get(COIL, VIEWER, "coil", api.heldByCoil(api::coil)),
                get(COIL + "/defects", VIEWER, "defects", api.heldByCoil(api::defects)),
                get(COIL + "/images/{imageId}", VIEWER, "image", api.heldByCoil(api::image)),
                get(COIL + "/images/{imageId}/image", VIEWER, "image-bytes", api.heldByCoil(api::imageBytes)),
                get(COIL + "/map", VIEWER, "map", api.heldByCoil(api.quality::map)),
                get(COIL + "/grade", VIEWER, "grade", api.heldByCoil(api.quality::grade)),
                get(COIL + "/report", VIEWER, "report", api.heldByCoil(api.quality::report)),
                get(COIL + "/report.pdf", VIEWER, "report.pdf", api.heldByCoil(api.quality::reportPdf)),
                get("/v1/lines/{lineId}", VIEWER, "line", api.heldByLine(api::line)),
                get("/v1/alerts", VIEWER, "alerts", api.quality::alerts),
                get("/v1/shadow", VIEWER, "shadow", api::shadow),
                get("/v1/audit", VIEWER, "audit", api.audit::latest),
                get("/v1/audit/{coilId}/{imageId}/image", VIEWER, "audit", api.audit::image),
                post(COIL + "/images/{imageId}/reviews", REVIEWER, "review", reviews::review),
                post("/internal" + COIL + "/images/{imageId}/reviews", INSTANCE, "review", reviews::sentOn),
                // What no route above takes, told only to the area's callers; a POST there is a misdirected review.
                post("/internal/**", INSTANCE, "review", ReviewApi::misdirected),
                any("/internal/**", INSTANCE, "unknown", AnalyticsRoutes::noSuchRoute),
                post("/v1/**", REVIEWER, "review", ReviewApi::misdirected),
                any("/v1/**", VIEWER, "unknown", AnalyticsRoutes::noSuchRoute),
                // The dashboard, not counted as API requests; anything else outside the API is a file it does not have.
                get("/", VIEWER, null, dashboard::page),
                get("/index.html", VIEWER, null, dashboard::page),
                get("/dashboard/{file}", VIEWER, null, dashboard::file),
                any("/**", VIEWER, null, DashboardAssets::noSuchFile));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        List<String> path = Requests.segments(exchange.getRequestURI().getRawPath());
        for (Route route : routes) {
            Optional<Map<String, String>> pathValues = route.match(exchange.getRequestMethod(), path);
            if (pathValues.isPresent()) {
                access.admit(route.caller(), admitted -> answer(route, pathValues.get(), admitted)).handle(exchange);
                return;
            }
        }
        throw new IllegalStateException("the route table takes every request, but not " + exchange.getRequestURI().getPath());
    }

    private void answer(Route route, Map<String, String> pathValues, HttpExchange exchange) throws IOException {
        int status = 500;
        try {
            status = route.handler().answer(exchange, new Route.Params(pathValues, Requests.query(exchange.getRequestURI().getRawQuery())));
        } catch (Failure e) {
            status = e.status;
            HttpAnswers.error(exchange, e.status, e.getMessage());
        } catch (ReviewDesk.Refused e) {
            status = e.status();
            HttpAnswers.error(exchange, e.status(), e.getMessage());
        } catch (QueryRouter.Unavailable | InvalidStateStoreException e) {
            status = 503;
            exchange.getResponseHeaders().set("Retry-After", "1");
            HttpAnswers.error(exchange, 503, "state not queryable right now (rebalancing or starting): " + e.getMessage());
        } catch (BodyTimeoutException e) {
            status = 408; // the client's own slowness, answered by the HTTP front
            throw e;
        } catch (IOException e) {
            if (exchange.getResponseCode() > 0) {
                // The client went away while its answer was being written: the answer's status stands, and nobody is left to tell.
                status = exchange.getResponseCode();
                log.debug("client left during the answer to {}: {}", route.metric(), e.toString());
                return;
            }
            status = 502;
            log.warn("query failed: {}", e.toString());
            HttpAnswers.error(exchange, 502, "another instance did not answer: " + e.getMessage());
        } catch (RuntimeException e) {
            status = 500;
            log.warn("query {} failed", exchange.getRequestURI(), e);
            // The cause is for the log: an exception's text can name hosts, stores and internals a viewer has no need of.
            HttpAnswers.error(exchange, 500, "internal error (" + e.getClass().getSimpleName() + "); the service log has the cause");
        } finally {
            if (route.metric() != null) {
                requestCounter.accept(route.metric(), status);
            }
        }
    }

    /** An API request no route takes: 404, or 405 for a method the API does not read with. */
    private static int noSuchRoute(HttpExchange exchange, Route.Params params) {
        throw Requests.nothingAt(exchange, "method " + exchange.getRequestMethod() + " not allowed; use GET");
    }
}
