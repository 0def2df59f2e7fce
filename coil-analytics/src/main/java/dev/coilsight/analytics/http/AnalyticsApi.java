package dev.coilsight.analytics.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.streams.state.HostInfo;

import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.http.Requests.Failure;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.quality.RecentAlerts;
import dev.coilsight.analytics.review.AuditImages;
import dev.coilsight.analytics.shadow.ShadowComparison;
import dev.coilsight.analytics.query.CoilOrder;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.analytics.query.QueryRouter;
import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.serviceruntime.http.RequestHeaders;

/**
 * The interactive-query REST API's answers (routed by {@link AnalyticsRoutes}). Any instance answers any coil: a
 * keyed request is served from the local stores when this instance holds the coil's partition, otherwise it is sent
 * on to the instance that does (marked as forwarded, so it is never sent on twice); the coil list gathers every
 * instance's first coils of the order ({@link CoilListing}). The coil map, grade, report and alerts are
 * {@link QualityApi}'s, the audit images {@link AuditApi}'s, the shadow model beside the live one {@link ShadowComparison}'s.
 */
public final class AnalyticsApi {

    /** Header on a request one instance sent to another. */
    public static final String FORWARDED = "X-Coilsight-Forwarded";
    static final int MAX_WINDOWS = 1440;
    static final int MAX_DEFECTS = 200;

    final QualityApi quality;
    final AuditApi audit;
    private final QueryRouter router;
    private final CoilQueries queries;
    private final Optional<String> internalToken;
    private final ShadowComparison shadow;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** @param internalToken what this instance sends other instances on {@code /internal/...} (none with auth disabled) */
    public AnalyticsApi(QueryRouter router, CoilQueries queries, QualitySettings quality, Optional<RecentAlerts> alerts,
            ShadowComparison shadow, AuditImages audit, Optional<String> internalToken) {
        this.router = router;
        this.shadow = shadow;
        this.audit = new AuditApi(audit);
        this.queries = queries;
        this.quality = new QualityApi(queries, quality, alerts);
        this.internalToken = internalToken;
    }

    /** {@code local} for a request about the coil {@code {coilId}}, served here or by the instance holding the coil. */
    Route.Handler heldByCoil(Route.Handler local) {
        return held(CoilAnalyticsTopology.STATS_STORE, "coilId", local);
    }

    /** {@code local} for a request about the line {@code {lineId}}, served here or by the instance holding the line. */
    Route.Handler heldByLine(Route.Handler local) {
        return held(CoilAnalyticsTopology.LINE_WINDOWS_STORE, "lineId", local);
    }

    private Route.Handler held(String store, String key, Route.Handler local) {
        return (exchange, params) -> {
            boolean forwarded = RequestHeaders.value(exchange, FORWARDED) != null;
            HostInfo owner = router.owner(store, params.path(key));
            if (!router.isSelf(owner)) {
                if (forwarded) {
                    // The sender's view of who holds the key is older than ours (a rebalance in between): a local
                    // answer would be "unknown", and forwarding again could go round in circles.
                    throw new QueryRouter.Unavailable("'" + params.path(key) + "' is moving between instances; retry shortly");
                }
                return forward(exchange, owner);
            }
            return local.answer(exchange, params);
        };
    }

    int coil(HttpExchange exchange, Route.Params params) throws IOException {
        String key = params.path("coilId");
        int windows = Requests.intParam(params.query(), "windows", 60, 1, MAX_WINDOWS);
        CoilDefectStats stats = queries.stats(key).orElseThrow(() -> new Failure(404, "unknown coil '" + key + "'"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stats", JsonViews.stats(stats));
        body.put("trend", JsonViews.windows(queries.windows(CoilAnalyticsTopology.COIL_WINDOWS_STORE, key, windows)));
        body.put("defectsUrl", Requests.coilPath(key) + "/defects");
        return answer(exchange, body);
    }

    int defects(HttpExchange exchange, Route.Params params) throws IOException {
        String key = params.path("coilId");
        int limit = Requests.intParam(params.query(), "limit", 20, 1, MAX_DEFECTS);
        if (queries.stats(key).isEmpty()) {
            throw new Failure(404, "unknown coil '" + key + "'");
        }
        List<Map<String, Object>> defects = new ArrayList<>();
        Set<String> imagesKept = queries.imagesKept(key);
        for (DefectSegmentation d : queries.recentDefects(key, limit)) {
            String imagePath = Requests.coilPath(key) + "/images/" + Requests.encode(d.getImageId());
            defects.add(JsonViews.defect(d, imagesKept.contains(d.getImageId()), imagePath));
        }
        return answer(exchange, Map.of("coilId", key, "defects", defects));
    }

    int image(HttpExchange exchange, Route.Params params) throws IOException {
        String key = params.path("coilId");
        String imageId = params.path("imageId");
        Optional<DefectiveImage> image = queries.image(key, imageId);
        Optional<DefectSegmentation> segmentation = queries.defect(key, imageId);
        if (image.isEmpty() && segmentation.isEmpty()) {
            // Older than the recent stores: the coil map still has its masks.
            MappedImage mapped = queries.mappedImage(key, imageId).orElseThrow(() -> new Failure(404,
                    "image '" + imageId + "' of coil '" + key + "' is neither among the recent defective images nor on the coil map"));
            return answer(exchange, JsonViews.mapped(key, mapped));
        }
        return answer(exchange, JsonViews.image(image.orElse(null), segmentation.orElse(null),
                Requests.coilPath(key) + "/images/" + Requests.encode(imageId)));
    }

    int imageBytes(HttpExchange exchange, Route.Params params) throws IOException {
        return HttpAnswers.image(exchange, params, queries::image, "the recent images kept");
    }

    int line(HttpExchange exchange, Route.Params params) throws IOException {
        String key = params.path("lineId");
        int windows = Requests.intParam(params.query(), "windows", 60, 1, MAX_WINDOWS);
        List<CoilQueries.Window> trend = queries.windows(CoilAnalyticsTopology.LINE_WINDOWS_STORE, key, windows);
        if (trend.isEmpty()) {
            throw new Failure(404, "no windows for line '" + key + "'");
        }
        return answer(exchange, Map.of("lineId", key, "trend", JsonViews.windows(trend)));
    }

    int shadow(HttpExchange exchange, Route.Params params) throws IOException {
        return answer(exchange, shadow.report(Requests.intParam(params.query(), "limit", 10, 1, 100)));
    }

    /**
     * {@code GET /v1/coils}: one page of every instance's coils, the other instances asked at once (one slow instance
     * costs its time once, not once per instance before it).
     */
    int coilList(HttpExchange exchange, Route.Params params) throws IOException {
        CoilListing.Request request = CoilListing.request(params.query());
        Map<HostInfo, CompletableFuture<HttpResponse<byte[]>>> asked = new LinkedHashMap<>();
        List<CoilListing.Part> parts = new ArrayList<>();
        for (HostInfo host : router.instancesWith(CoilAnalyticsTopology.STATS_STORE)) {
            if (router.isSelf(host)) {
                parts.add(localCoils(request.order(), request.depth()));
            } else {
                asked.put(host, client.sendAsync(request(host, CoilListing.internalPath(request)), HttpResponse.BodyHandlers.ofByteArray()));
            }
        }
        for (Map.Entry<HostInfo, CompletableFuture<HttpResponse<byte[]>>> answer : asked.entrySet()) {
            parts.add(CoilListing.read(body(answer.getKey(), CoilListing.internalPath(request), awaited(answer.getValue()))));
        }
        return answer(exchange, CoilListing.page(request, parts));
    }

    private static HttpResponse<byte[]> awaited(CompletableFuture<HttpResponse<byte[]>> answer) throws IOException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another instance", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** {@code GET /internal/v1/coils}: this instance's part of a page. */
    int localCoilList(HttpExchange exchange, Route.Params params) throws IOException {
        return answer(exchange, CoilListing.body(localCoils(CoilListing.order(params.query()), CoilListing.limit(params.query()))));
    }

    private CoilListing.Part localCoils(CoilOrder order, int limit) {
        return CoilListing.part(queries.topCoils(order, limit));
    }

    private int forward(HttpExchange exchange, HostInfo owner) throws IOException {
        HttpResponse<byte[]> response = send(owner, exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        String type = response.headers().firstValue("Content-Type").orElse("application/json");
        response.headers().firstValue("Retry-After").ifPresent(seconds -> exchange.getResponseHeaders().set("Retry-After", seconds));
        HttpAnswers.bytes(exchange, response.statusCode(), type, response.body());
        return response.statusCode();
    }

    /**
     * The body of another instance's 200; its 503 (starting, or its state moving) is this answer's 503 with
     * {@code Retry-After}, anything else a failure to answer.
     */
    private static byte[] body(HostInfo host, String path, HttpResponse<byte[]> response) throws IOException {
        if (response.statusCode() == 503) {
            throw new QueryRouter.Unavailable(host.host() + ":" + host.port() + " cannot answer for its part right now; retry shortly");
        }
        if (response.statusCode() != 200) {
            throw new IOException(host.host() + ":" + host.port() + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private HttpRequest request(HostInfo host, String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, router.self().host() + ":" + router.self().port()).GET();
        internalToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder.build();
    }

    private HttpResponse<byte[]> send(HostInfo host, String pathAndQuery) throws IOException {
        HttpRequest request = request(host, pathAndQuery);
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + host.host() + ":" + host.port(), e);
        }
    }

    private static int answer(HttpExchange exchange, Object body) throws IOException {
        HttpAnswers.json(exchange, 200, body);
        return 200;
    }
}
