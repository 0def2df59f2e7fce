package dev.coilsight.analytics.http;

import java.io.IOException;
import java.util.Optional;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.serviceruntime.http.Answers;
import dev.coilsight.serviceruntime.http.ErrorBody;

/** Writing answers: JSON bodies, the one JSON error body, images and raw bytes. */
final class HttpAnswers {

    static final ObjectMapper JSON = new ObjectMapper();

    private HttpAnswers() {
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        bytes(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    /** The services' one error body ({@link ErrorBody}), with a reason word for the status. */
    static void error(HttpExchange exchange, int status, String message) throws IOException {
        ErrorBody.send(exchange, status, switch (status) {
            case 502 -> "instance_unreachable";
            case 503 -> "not_queryable";
            default -> ErrorBody.reason(status);
        }, message);
    }

    /**
     * The bytes of image {@code {imageId}} of coil {@code {coilId}} as captured (PNG or JPEG), when {@code kept} has it;
     * 404 naming {@code keptAs} otherwise.
     */
    static int image(HttpExchange exchange, Route.Params params, BiFunction<String, String, Optional<DefectiveImage>> kept, String keptAs)
            throws IOException {
        String coilId = params.path("coilId");
        String imageId = params.path("imageId");
        DefectiveImage found = kept.apply(coilId, imageId).orElseThrow(() -> new Requests.Failure(404,
                "image '" + imageId + "' of coil '" + coilId + "' is not among " + keptAs));
        String type = found.getImage().getEncoding().name().equals("PNG") ? "image/png" : "image/jpeg";
        bytes(exchange, 200, type, found.getImage().getBytes().array());
        return 200;
    }

    static void bytes(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        Answers.send(exchange, status, contentType, body);
    }
}
