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
import java.util.function.BiConsumer;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

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

/**
 * The interactive-query REST API. Any instance answers any coil: a keyed request is served from the
 * local stores when this instance holds the coil's partition, otherwise it is sent on to the instance
 * that does (marked as forwarded, so it is never sent on twice); the coil list gathers every
 * instance's first coils of the order ({@link CoilListing}).
 * <pre>
 * GET /v1/coils?page=0&size=50&sort=defectRate|recent|coilId   total + one page; (page + 1) * size <= 10000
 * GET /internal/v1/coils?sort=defectRate&limit=50               this instance's count and first coils
 * GET /v1/coils/{coilId}?windows=60               stats + windowed defect-rate trend
 * GET /v1/coils/{coilId}/defects?limit=20         latest segmentations with RLE masks
 * GET /v1/coils/{coilId}/images/{imageId}         the image's metadata and masks
 * GET /v1/coils/{coilId}/images/{imageId}/image   the image bytes (PNG or JPEG)
 * GET /v1/lines/{lineId}?windows=60               windowed defect rate of a production line
 * GET /v1/coils/{coilId}/map | grade | report     the coil map, its grade, its report ({@link QualityApi})
 * GET /v1/alerts?limit=50                         the latest quality alerts
 * GET /v1/shadow?limit=10                         the shadow model beside the live one ({@link ShadowComparison})
 * GET /v1/audit?limit=20, /v1/audit/{coilId}/{imageId}/image   images passed as clean, sent for audit ({@link AuditApi})
 * </pre>
 */
public final class AnalyticsApi implements HttpHandler {

    /** Header on a request one instance sent to another. */
    public static final String FORWARDED = "X-Coilsight-Forwarded";
    static final int MAX_WINDOWS = 1440;
    static final int MAX_DEFECTS = 200;

    private static final Logger log = LoggerFactory.getLogger(AnalyticsApi.class);

    private final QueryRouter router;
    private final CoilQueries queries;
    private final Optional<String> internalToken;
    private final BiConsumer<String, Integer> requestCounter;
    private final QualityApi quality;
    private final ShadowComparison shadow;
    private final AuditApi audit;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** @param internalToken what this instance sends other instances on {@code /internal/...} (none with auth disabled) */
    public AnalyticsApi(QueryRouter router, CoilQueries queries, QualitySettings quality, Optional<RecentAlerts> alerts,
            ShadowComparison shadow, AuditImages audit, BiConsumer<String, Integer> requestCounter, Optional<String> internalToken) {
        this.router = router;
        this.shadow = shadow;
        this.audit = new AuditApi(audit);
        this.queries = queries;
        this.quality = new QualityApi(queries, quality, alerts);
        this.requestCounter = requestCounter;
        this.internalToken = internalToken;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String route = "unknown";
        int status = 500;
        try {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                throw new Failure(405, "method " + exchange.getRequestMethod() + " not allowed; use GET");
            }
            List<String> path = Requests.segments(exchange.getRequestURI().getRawPath());
            Map<String, String> query = Requests.query(exchange.getRequestURI().getRawQuery());
            boolean internal = !path.isEmpty() && path.get(0).equals("internal");
            List<String> p = internal ? path.subList(1, path.size()) : path;
            if (p.size() < 2 || !p.get(0).equals("v1")) {
                throw new Failure(404, "no such resource: " + exchange.getRequestURI().getPath());
            }
            if (internal && p.size() == 2 && p.get(1).equals("coils")) {
                route = "internal-coils";
                status = answer(exchange, 200, CoilListing.body(localCoils(CoilListing.order(query), CoilListing.limit(query))));
            } else if (p.get(1).equals("coils") && p.size() == 2) {
                route = "coils";
                status = answer(exchange, 200, coilList(query));
            } else if (p.get(1).equals("audit")) {
                route = "audit";
                status = audit.answer(exchange, p, query);
            } else if (p.get(1).equals("shadow") && p.size() == 2) {
                route = "shadow";
                status = answer(exchange, 200, shadow.report(Requests.intParam(query, "limit", 10, 1, 100)));
            } else if (p.get(1).equals("alerts") && p.size() == 2) {
                route = "alerts";
                status = answer(exchange, 200, quality.alerts(query));
            } else if (p.get(1).equals("coils") && p.size() >= 3) {
                String coilId = p.get(2);
                route = p.size() == 3 ? "coil" : p.size() == 4 && p.get(3).equals("defects") ? "defects"
                        : p.size() == 4 && QualityApi.handles(p.get(3)) ? p.get(3)
                        : p.size() == 5 && p.get(3).equals("images") ? "image"
                        : p.size() == 6 && p.get(3).equals("images") && p.get(5).equals("image") ? "image-bytes" : "unknown";
                if (route.equals("unknown")) {
                    throw new Failure(404, "no such resource: " + exchange.getRequestURI().getPath());
                }
                status = keyed(exchange, CoilAnalyticsTopology.STATS_STORE, coilId, route, p, query);
            } else if (p.get(1).equals("lines") && p.size() == 3) {
                route = "line";
                status = keyed(exchange, CoilAnalyticsTopology.LINE_WINDOWS_STORE, p.get(2), route, p, query);
            } else {
                throw new Failure(404, "no such resource: " + exchange.getRequestURI().getPath());
            }
        } catch (Failure e) {
            status = e.status;
            HttpAnswers.error(exchange, e.status, e.getMessage());
        } catch (QueryRouter.Unavailable | InvalidStateStoreException e) {
            status = 503;
            exchange.getResponseHeaders().set("Retry-After", "1");
            HttpAnswers.error(exchange, 503, "state not queryable right now (rebalancing or starting): " + e.getMessage());
        } catch (IOException e) {
            status = 502;
            log.warn("query failed: {}", e.toString());
            HttpAnswers.error(exchange, 502, "another instance did not answer: " + e.getMessage());
        } catch (RuntimeException e) {
            status = 500;
            log.warn("query {} failed: {}", exchange.getRequestURI(), e.toString());
            HttpAnswers.error(exchange, 500, "internal error: " + e);
        } finally {
            requestCounter.accept(route, status);
        }
    }

    /** Serves a request about one key here, or sends it to the instance that holds the key. */
    private int keyed(HttpExchange exchange, String store, String key, String route, List<String> p, Map<String, String> query)
            throws IOException {
        boolean forwarded = exchange.getRequestHeaders().getFirst(FORWARDED) != null;
        if (!forwarded) {
            HostInfo owner = router.owner(store, key);
            if (!router.isSelf(owner)) {
                return forward(exchange, owner);
            }
        }
        String coilPath = "/v1/coils/" + Requests.encode(key);
        switch (route) {
            case "coil" -> {
                int windows = Requests.intParam(query, "windows", 60, 1, MAX_WINDOWS);
                CoilDefectStats stats = queries.stats(key).orElseThrow(() -> new Failure(404, "unknown coil '" + key + "'"));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("stats", JsonViews.stats(stats));
                body.put("trend", JsonViews.windows(queries.windows(CoilAnalyticsTopology.COIL_WINDOWS_STORE, key, windows)));
                body.put("defectsUrl", coilPath + "/defects");
                return answer(exchange, 200, body);
            }
            case "defects" -> {
                int limit = Requests.intParam(query, "limit", 20, 1, MAX_DEFECTS);
                if (queries.stats(key).isEmpty()) {
                    throw new Failure(404, "unknown coil '" + key + "'");
                }
                List<Map<String, Object>> defects = new ArrayList<>();
                for (DefectSegmentation d : queries.recentDefects(key, limit)) {
                    String imagePath = coilPath + "/images/" + Requests.encode(d.getImageId());
                    defects.add(JsonViews.defect(d, queries.image(key, d.getImageId()).isPresent(), imagePath));
                }
                return answer(exchange, 200, Map.of("coilId", key, "defects", defects));
            }
            case "image", "image-bytes" -> {
                String imageId = p.get(4);
                Optional<DefectiveImage> image = queries.image(key, imageId);
                if (route.equals("image-bytes")) {
                    DefectiveImage found = image.orElseThrow(() -> new Failure(404,
                            "image '" + imageId + "' of coil '" + key + "' is not among the recent images kept"));
                    String type = found.getImage().getEncoding().name().equals("PNG") ? "image/png" : "image/jpeg";
                    HttpAnswers.bytes(exchange, 200, type, found.getImage().getBytes().array());
                    return 200;
                }
                Optional<DefectSegmentation> segmentation = queries.defect(key, imageId);
                if (image.isEmpty() && segmentation.isEmpty()) {
                    // Older than the recent stores: the coil map still has its masks.
                    MappedImage mapped = queries.mappedImage(key, imageId).orElseThrow(() -> new Failure(404,
                            "image '" + imageId + "' of coil '" + key + "' is neither among the recent defective images nor on the coil map"));
                    return answer(exchange, 200, JsonViews.mapped(key, mapped));
                }
                return answer(exchange, 200, JsonViews.image(image.orElse(null), segmentation.orElse(null),
                        coilPath + "/images/" + Requests.encode(imageId)));
            }
            case "line" -> {
                int windows = Requests.intParam(query, "windows", 60, 1, MAX_WINDOWS);
                List<CoilQueries.Window> trend = queries.windows(CoilAnalyticsTopology.LINE_WINDOWS_STORE, key, windows);
                if (trend.isEmpty()) {
                    throw new Failure(404, "no windows for line '" + key + "'");
                }
                return answer(exchange, 200, Map.of("lineId", key, "trend", JsonViews.windows(trend)));
            }
            default -> {
                if (QualityApi.handles(route)) {
                    return quality.answer(route, exchange, key, query, coilPath);
                }
                throw new Failure(404, "no such resource");
            }
        }
    }

    private Map<String, Object> coilList(Map<String, String> query) throws IOException {
        CoilListing.Request request = CoilListing.request(query);
        List<CoilListing.Part> parts = new ArrayList<>();
        for (HostInfo host : router.instancesWith(CoilAnalyticsTopology.STATS_STORE)) {
            parts.add(router.isSelf(host) ? localCoils(request.order(), request.depth())
                    : CoilListing.read(get(host, CoilListing.internalPath(request))));
        }
        return CoilListing.page(request, parts);
    }

    private CoilListing.Part localCoils(CoilOrder order, int limit) {
        return CoilListing.part(queries.topCoils(order, limit));
    }

    private int forward(HttpExchange exchange, HostInfo owner) throws IOException {
        HttpResponse<byte[]> response = send(owner, exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        String type = response.headers().firstValue("Content-Type").orElse("application/json");
        HttpAnswers.bytes(exchange, response.statusCode(), type, response.body());
        return response.statusCode();
    }

    private byte[] get(HostInfo host, String path) throws IOException {
        HttpResponse<byte[]> response = send(host, path);
        if (response.statusCode() != 200) {
            throw new IOException(host.host() + ":" + host.port() + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private HttpResponse<byte[]> send(HostInfo host, String pathAndQuery) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, router.self().host() + ":" + router.self().port()).GET();
        internalToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        HttpRequest request = builder.build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + host.host() + ":" + host.port(), e);
        }
    }

    private static int answer(HttpExchange exchange, int status, Object body) throws IOException {
        HttpAnswers.json(exchange, status, body);
        return status;
    }
}
