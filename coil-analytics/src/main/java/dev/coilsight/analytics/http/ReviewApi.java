package dev.coilsight.analytics.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.analytics.query.QueryRouter;
import dev.coilsight.analytics.review.ReviewDesk;
import dev.coilsight.analytics.review.ReviewRequest;
import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.ReviewMask;
import dev.coilsight.serviceruntime.http.ErrorBody;
import dev.coilsight.serviceruntime.http.RequestHeaders;

/**
 * {@code POST /v1/coils/{coilId}/images/{imageId}/reviews} ({@link AnalyticsRoutes}) with a {@link ReviewRequest} body:
 * the review is published to {@code steel.reviews} by the instance that holds the coil (another instance sends it on,
 * with the reviewer's name), and answered 201 (200 for a retry of a review already stored) with what was stored, image bytes left out.
 * Only JSON is taken, so that a form on another site cannot review in a signed-in reviewer's name.
 */
public final class ReviewApi {

    /** Set by the access guard: the name of the reviewer whose token the request carried. */
    public static final String REVIEWER_ATTRIBUTE = "coilsight.reviewer";
    /** Carries the reviewer's name from the instance that checked the token to the one that holds the coil. */
    static final String REVIEWER_HEADER = "X-Coilsight-Reviewer";
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
    private static final java.util.regex.Pattern REVIEWER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    private static final Logger log = LoggerFactory.getLogger(ReviewApi.class);

    private final QueryRouter router;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReviewDesk desk;
    private final Optional<String> internalToken;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public ReviewApi(QueryRouter router, ReviewDesk desk, Optional<String> internalToken) {
        this.router = router;
        this.desk = desk;
        this.internalToken = internalToken;
    }

    /** A reviewer's review: stored here when this instance holds the coil, otherwise sent on to the one that does. */
    int review(HttpExchange exchange, Route.Params params) throws IOException {
        return take(exchange, params, false);
    }

    /** A review another instance sent on, with the name of the reviewer whose token it checked. */
    int sentOn(HttpExchange exchange, Route.Params params) throws IOException {
        return take(exchange, params, true);
    }

    /** A POST no route takes. */
    static int misdirected(HttpExchange exchange, Route.Params params) {
        throw new Requests.Failure(404, "reviews are posted to /v1/coils/{coilId}/images/{imageId}/reviews");
    }

    /** @throws IOException when the reviewer's body does not arrive in time (the HTTP front answers 408) */
    private int take(HttpExchange exchange, Route.Params params, boolean internal) throws IOException {
        String contentType = Optional.ofNullable(RequestHeaders.value(exchange, "Content-Type")).orElse("");
        if (!contentType.toLowerCase().startsWith("application/json")) {
            throw new Requests.Failure(415, "a review is sent as Content-Type: application/json");
        }
        byte[] body = readBody(exchange.getRequestBody());
        try {
            String coilId = params.path("coilId");
            String imageId = params.path("imageId");
            String reviewer = internal ? RequestHeaders.value(exchange, REVIEWER_HEADER) : (String) exchange.getAttribute(REVIEWER_ATTRIBUTE);
            if (reviewer == null || !REVIEWER_NAME.matcher(reviewer).matches()) {
                throw new Requests.Failure(400, "the reviewer is unknown" + (internal ? ": " + REVIEWER_HEADER + " is missing or not a name" : ""));
            }
            if (!internal) {
                HostInfo owner = router.owner(CoilAnalyticsTopology.STATS_STORE, coilId);
                if (!router.isSelf(owner)) {
                    return forward(exchange, owner, reviewer, body);
                }
            }
            ReviewRequest request;
            try {
                request = ReviewRequest.parse(body);
            } catch (IllegalArgumentException e) {
                throw new Requests.Failure(400, e.getMessage());
            }
            ReviewDesk.Accepted accepted;
            try {
                accepted = desk.review(coilId, imageId, reviewer, request);
            } catch (ReviewDesk.Superseded e) {
                ObjectNode conflict = (ObjectNode) JSON.readTree(ErrorBody.json(409, "superseded", e.getMessage()));
                conflict.set("latestReview", JSON.valueToTree(view(e.latest())));
                HttpAnswers.json(exchange, 409, conflict);
                return 409;
            }
            int status = accepted.repeated() ? 200 : 201;
            if (!accepted.repeated()) {
                log.info("review {} of image {} on coil {} by {}: {}", request.reviewId(), Requests.encode(imageId), Requests.encode(coilId),
                        reviewer, request.verdict());
            }
            HttpAnswers.json(exchange, status, view(accepted.review()));
            return status;
        } catch (IOException e) {
            throw new Requests.Failure(502, "the instance holding the coil did not answer: " + e.getMessage());
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new Requests.Failure(413, "a review body may have at most " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    private int forward(HttpExchange exchange, HostInfo owner, String reviewer, byte[] body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + "/internal"
                        + exchange.getRequestURI().getRawPath()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header(REVIEWER_HEADER, reviewer)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        internalToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        try {
            HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            HttpAnswers.bytes(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.body());
            return response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending the review to " + owner.host() + ":" + owner.port(), e);
        }
    }

    /** The stored review as JSON, without the image bytes. */
    static Map<String, Object> view(DefectReviewed review) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reviewId", review.getReviewId());
        out.put("imageId", review.getImageId());
        out.put("coilId", review.getCoilId());
        out.put("reviewer", review.getReviewer());
        out.put("reviewedAt", review.getReviewedAt().toEpochMilli());
        out.put("verdict", review.getVerdict().name());
        if (review.getModel() != null) {
            out.put("model", review.getModel().getName() + ":" + review.getModel().getVersion());
        }
        out.put("width", review.getWidth());
        out.put("height", review.getHeight());
        out.put("modelMasks", review.getModelMasks().stream().map(ReviewApi::mask).toList());
        out.put("reviewedMasks", review.getReviewedMasks().stream().map(ReviewApi::mask).toList());
        return out;
    }

    private static Map<String, Object> mask(ReviewMask mask) {
        return JsonViews.mask(mask.getClassId(), mask.getClassName(), mask.getRle(), mask.getPixelCount());
    }
}
