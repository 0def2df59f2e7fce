package dev.coilsight.ingest.publish;

/** An image the service refuses, with the HTTP status that says why and a short reason for metrics. */
public final class IngestRejection extends RuntimeException {

    private final int status;
    private final String reason;

    public IngestRejection(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    public IngestRejection(int status, String reason, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.reason = reason;
    }

    public static IngestRejection badRequest(String reason, String message) {
        return new IngestRejection(400, reason, message);
    }

    /** HTTP status: 400, 401, 413, 415 or 503. */
    public int status() {
        return status;
    }

    /** Metric label: e.g. invalid_field, not_an_image, corrupt, too_large, unsupported_type, broker_unavailable. */
    public String reason() {
        return reason;
    }
}
