package dev.coilsight.core.image;

/**
 * Upper bounds checked before an image is decoded, so that a small file claiming huge dimensions
 * (a decompression bomb) is refused instead of exhausting memory.
 */
public record ImageLimits(long maxBytes, int maxWidth, int maxHeight, long maxPixels) {

    /** 20 MiB, 8192 x 8192, 40 Mpx: far above a 1600x256 strip camera frame, far below trouble. */
    public static final ImageLimits DEFAULT = new ImageLimits(20L * 1024 * 1024, 8192, 8192, 40_000_000L);

    public ImageLimits {
        if (maxBytes <= 0 || maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("image limits must be positive: " + maxBytes + " bytes, "
                    + maxWidth + "x" + maxHeight + ", " + maxPixels + " px");
        }
    }
}
