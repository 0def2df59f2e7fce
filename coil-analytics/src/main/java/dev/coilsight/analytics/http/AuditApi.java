package dev.coilsight.analytics.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.analytics.review.AuditImages;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;

/**
 * The images sent for audit (a share of those the classifier passed as clean), which any instance keeps:
 * <pre>
 * GET /v1/audit?limit=20                       the latest, newest first, with their classification
 * GET /v1/audit/{coilId}/{imageId}/image       the image bytes
 * </pre>
 */
final class AuditApi {

    static final int MAX_LIMIT = 200;

    private final AuditImages images;

    AuditApi(AuditImages images) {
        this.images = images;
    }

    int latest(HttpExchange exchange, Route.Params params) throws IOException {
        int limit = Requests.intParam(params.query(), "limit", 20, 1, MAX_LIMIT);
        HttpAnswers.json(exchange, 200, Map.of("images", images.latest(limit).stream().map(AuditApi::view).toList()));
        return 200;
    }

    int image(HttpExchange exchange, Route.Params params) throws IOException {
        return HttpAnswers.image(exchange, params, images::get, "the audit images kept");
    }

    private static Map<String, Object> view(DefectiveImage audited) {
        ImageCaptured image = audited.getImage();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imageId", image.getImageId());
        m.put("coilId", image.getCoilId());
        m.put("lineId", image.getLineId());
        m.put("capturedAt", image.getCapturedAt().toString());
        m.put("width", image.getWidth());
        m.put("height", image.getHeight());
        m.put("defectProbability", audited.getClassification().getDefectProbability());
        m.put("threshold", audited.getClassification().getThreshold());
        m.put("model", audited.getClassification().getModel().getName() + ":" + audited.getClassification().getModel().getVersion());
        m.put("masks", List.of());
        m.put("imageUrl", "/v1/audit/" + Requests.encode(image.getCoilId()) + "/" + Requests.encode(image.getImageId()) + "/image");
        return m;
    }
}
