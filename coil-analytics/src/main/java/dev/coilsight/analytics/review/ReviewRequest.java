package dev.coilsight.analytics.review;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.ReviewVerdict;

/**
 * What a reviewer sends for one image: a verdict and, for a correction, the masks as they should be; optionally the
 * review the reviewer saw, so that a review taken meanwhile by someone else is not silently replaced.
 * <pre>
 * {"reviewId": "b1f…", "verdict": "CONFIRMED" | "REJECTED" | "CORRECTED",
 *  "masks": [{"classId": 2, "rle": "1 3 10 5"}, …],      masks: CORRECTED only; an empty list means "no defect"
 *  "basedOn": "a07…" | null}                             the latest review shown (null: none); absent: not checked
 * </pre>
 *
 * @param basedOn empty when the request does not say; "" when the reviewer saw no earlier review
 */
public record ReviewRequest(String reviewId, ReviewVerdict verdict, List<Mask> masks, Optional<String> basedOn) {

    /** One class's mask as painted (its name optional: the model's name for the class is used); the RLE is checked later. */
    public record Mask(int classId, String className, String rle) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ID = 200;
    private static final int MAX_CLASS = 255;

    public ReviewRequest {
        masks = List.copyOf(masks);
    }

    /** A request that does not say which review it is based on. */
    public ReviewRequest(String reviewId, ReviewVerdict verdict, List<Mask> masks) {
        this(reviewId, verdict, masks, Optional.empty());
    }

    /** Parses and checks a request body; the message of the exception names the field that is wrong. */
    public static ReviewRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with reviewId, verdict and (to correct) masks");
        }
        String reviewId = text(root, "reviewId");
        if (!validId(reviewId)) {
            throw new IllegalArgumentException("reviewId must be 1 to " + MAX_ID + " printable ASCII characters without spaces");
        }
        Optional<String> basedOn = Optional.empty();
        JsonNode basedOnNode = root.get("basedOn");
        if (basedOnNode != null) {
            if (!basedOnNode.isNull() && !(basedOnNode.isTextual() && validId(basedOnNode.asText()))) {
                throw new IllegalArgumentException("basedOn must be the reviewId of the latest review the reviewer saw, or null for none");
            }
            basedOn = Optional.of(basedOnNode.isNull() ? "" : basedOnNode.asText());
        }
        ReviewVerdict verdict;
        String verdictText = text(root, "verdict");
        try {
            verdict = ReviewVerdict.valueOf(verdictText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("verdict must be CONFIRMED, REJECTED or CORRECTED, got '" + root.path("verdict").asText() + "'");
        }
        JsonNode masks = root.get("masks");
        if (verdict != ReviewVerdict.CORRECTED) {
            if (masks != null && !(masks.isArray() && masks.isEmpty())) {
                throw new IllegalArgumentException("masks go with verdict CORRECTED only; " + verdict + " takes the model's masks or none");
            }
            return new ReviewRequest(reviewId, verdict, List.of(), basedOn);
        }
        if (masks == null || !masks.isArray()) {
            throw new IllegalArgumentException("verdict CORRECTED needs masks: a list of {classId, rle} (empty for no defect)");
        }
        List<Mask> parsed = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) {
            JsonNode mask = masks.get(i);
            JsonNode classId = mask.get("classId");
            if (classId == null || !classId.canConvertToInt() || !classId.isIntegralNumber()) {
                throw new IllegalArgumentException("masks[" + i + "].classId must be a whole number");
            }
            JsonNode rle = mask.get("rle");
            if (rle == null || !rle.isTextual()) {
                throw new IllegalArgumentException("masks[" + i + "].rle must be a string (Kaggle RLE)");
            }
            int id = classId.asInt();
            if (id < 1 || id > MAX_CLASS) {
                throw new IllegalArgumentException("masks[" + i + "].classId must be between 1 and " + MAX_CLASS + ", got " + id);
            }
            JsonNode name = mask.get("className");
            if (name != null && !(name.isTextual() && name.asText().length() <= 100)) {
                throw new IllegalArgumentException("masks[" + i + "].className must be a string of at most 100 characters");
            }
            if (parsed.stream().anyMatch(m -> m.classId() == id)) {
                throw new IllegalArgumentException("masks[" + i + "]: class " + id + " appears twice; send one mask per class");
            }
            parsed.add(new Mask(id, name == null ? null : name.asText(), RunLengthEncoding.oneLine(rle.asText())));
        }
        return new ReviewRequest(reviewId, verdict, parsed, basedOn);
    }

    private static boolean validId(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        return node.asText();
    }
}
