package dev.coilsight.image;

/** An image that cannot be accepted; {@link #reason()} lets callers map it (e.g. to HTTP 415, 413 or 400). */
public final class ImageRejectedException extends RuntimeException {

    /** Why the image was refused. */
    public enum Reason {
        /** Not a PNG or JPEG at all. */
        NOT_AN_IMAGE,
        /** Bytes or dimensions over the configured limits. */
        TOO_LARGE,
        /** Recognised format, but truncated or corrupt. */
        CORRUPT
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
