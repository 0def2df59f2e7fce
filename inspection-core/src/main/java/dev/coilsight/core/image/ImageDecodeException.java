package dev.coilsight.core.image;

/**
 * A PNG or JPEG by its magic bytes whose data cannot be decoded: truncated, corrupt, or making the
 * decoder warn (which would otherwise yield invented pixels). Reason is always {@link Reason#CORRUPT}.
 */
public final class ImageDecodeException extends ImageRejectedException {

    public ImageDecodeException(String message, Throwable cause) {
        super(Reason.CORRUPT, message, cause);
    }
}
