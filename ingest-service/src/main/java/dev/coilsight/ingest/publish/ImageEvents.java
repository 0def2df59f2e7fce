package dev.coilsight.ingest.publish;

import java.nio.ByteBuffer;

import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageFormat;
import dev.coilsight.core.image.ImageHeader;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;

/**
 * Turns uploaded bytes into an {@link ImageCaptured} after checking them: format by content,
 * dimensions from the header against the limits (before any decoding), and completeness, either
 * structurally (PNG ends with IEND, JPEG with its end-of-image marker: catches truncation cheaply)
 * or by a full decode.
 */
public final class ImageEvents {

    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private final ImageDecoder decoder;
    private final ImageLimits limits;
    private final boolean fullDecode;

    public ImageEvents(ImageLimits limits, boolean fullDecode) {
        this.decoder = new ImageDecoder(limits);
        this.limits = limits;
        this.fullDecode = fullDecode;
    }

    /** Refuses an image by its size alone, before any of it is read (a file, a declared body length). */
    public void checkSize(long bytes) {
        if (bytes > limits.maxBytes()) {
            throw new IngestRejection(413, "too_large", "image of " + bytes + " bytes is over the limit of " + limits.maxBytes()
                    + " bytes (COILSIGHT_MAX_IMAGE_BYTES); not read");
        }
    }

    public ImageCaptured build(String imageId, ImageMetadata metadata, byte[] bytes) {
        ImageHeader header;
        try {
            header = decoder.readHeader(bytes);
            if (fullDecode) {
                decoder.decode(bytes, ColorMode.GRAYSCALE);
            } else if (!complete(header.format(), bytes)) {
                throw IngestRejection.badRequest("corrupt", "truncated " + header.format()
                        + ": the image does not end with its end marker");
            }
        } catch (ImageRejectedException e) {
            throw switch (e.reason()) {
                case TOO_LARGE -> new IngestRejection(413, "too_large", e.getMessage(), e);
                case NOT_AN_IMAGE -> new IngestRejection(400, "not_an_image", e.getMessage(), e);
                case CORRUPT -> new IngestRejection(400, "corrupt", e.getMessage(), e);
            };
        }
        return ImageCaptured.newBuilder()
                .setImageId(imageId)
                .setCoilId(metadata.coilId())
                .setCameraId(metadata.cameraId())
                .setSequence(metadata.sequence())
                .setCapturedAt(metadata.capturedAt())
                .setPositionMm(metadata.positionMm())
                .setLineId(metadata.lineId())
                .setEncoding(header.format() == ImageFormat.PNG ? ImageEncoding.PNG : ImageEncoding.JPEG)
                .setWidth(header.width())
                .setHeight(header.height())
                .setBytes(ByteBuffer.wrap(bytes))
                .setCoilEnd(metadata.coilEnd())
                .build();
    }

    /** Whether the image ends as its format says it must (trailing zero padding allowed). */
    static boolean complete(ImageFormat format, byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        if (format == ImageFormat.JPEG) {
            return end >= 2 && (bytes[end - 2] & 0xff) == 0xFF && (bytes[end - 1] & 0xff) == 0xD9;
        }
        end = bytes.length; // a PNG's last chunk is IEND with its CRC, never padded
        if (end < PNG_IEND.length) {
            return false;
        }
        for (int i = 0; i < PNG_IEND.length; i++) {
            if (bytes[end - PNG_IEND.length + i] != PNG_IEND[i]) {
                return false;
            }
        }
        return true;
    }
}
