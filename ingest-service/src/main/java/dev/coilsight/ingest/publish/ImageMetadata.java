package dev.coilsight.ingest.publish;

import java.time.Instant;
import java.util.regex.Pattern;

import dev.coilsight.serviceruntime.config.Env;

/**
 * What a plant system says about an image besides its bytes; checked on construction.
 *
 * @param coilEnd the image is the last of its coil
 */
public record ImageMetadata(String coilId, String cameraId, long sequence, Instant capturedAt, Double positionMm, String lineId,
                            boolean coilEnd) {

    /** Capture times before this are a camera clock gone wrong (reset to 1970): the image would count in no window of its coil. */
    public static final Instant EARLIEST_CAPTURE = Instant.parse("2000-01-01T00:00:00Z");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ImageMetadata {
        requireId("coilId", coilId);
        requireId("cameraId", cameraId);
        if (lineId != null) {
            requireId("lineId", lineId);
        }
        if (sequence < 0) {
            throw IngestRejection.badRequest("invalid_field", "sequence must be >= 0, got " + sequence);
        }
        if (capturedAt == null) {
            throw IngestRejection.badRequest("invalid_field", "capturedAt is required");
        }
        if (positionMm != null && (positionMm.isNaN() || positionMm.isInfinite() || positionMm < 0)) {
            throw IngestRejection.badRequest("invalid_field", "positionMm must be a number >= 0, got " + positionMm);
        }
    }

    /** An image that is not the last of its coil (or whose source cannot say). */
    public ImageMetadata(String coilId, String cameraId, long sequence, Instant capturedAt, Double positionMm, String lineId) {
        this(coilId, cameraId, sequence, capturedAt, positionMm, lineId, false);
    }

    /** Whether {@code value} is an id the plant may send (coil, camera, line): what every ingest path accepts. */
    public static boolean isValidId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** Checks an id the plant sends (coil, camera, line) as every ingest path does. */
    public static void requireId(String field, String value) {
        if (!isValidId(value)) {
            throw IngestRejection.badRequest("invalid_field", field + " must be 1-128 characters of letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit, got " + (value == null ? "nothing" : "'" + Env.logSafe(value) + "'"));
        }
    }
}
