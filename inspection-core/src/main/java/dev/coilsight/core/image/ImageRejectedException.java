package dev.coilsight.core.image;

/**
 * An image that is refused: not an image, over the {@link ImageLimits}, or (as the subclass
 * {@link ImageDecodeException}) truncated or corrupt. {@link #reason()} lets callers map it (e.g.
 * to HTTP 415, 413 or 422) or route it to a dead-letter topic.
 */
public class ImageRejectedException extends RuntimeException {

    /** Why the image was refused. */
    public enum Reason {
        /** Not a PNG or JPEG at all (or no bytes). */
        NOT_AN_IMAGE,
        /** Bytes or dimensions over the configured limits. */
        TOO_LARGE,
        /** A PNG or JPEG by its magic bytes, but truncated or corrupt; always an {@link ImageDecodeException}. */
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
